import { Form } from "@remix-run/react";
import { useI18n } from "~/utils/i18n";
import { WATCH_LEVELS } from "../limits";

/** Watch level of a topic or a category: a plain form (works without JavaScript). */
export function WatchForm({ level, action, id }: { level: string; action?: string; id: string }) {
  const { t, tx } = useI18n();
  return (
    <Form method="post" action={action} className="cluster" preventScrollReset>
      <input type="hidden" name="intent" value="watch" />
      <div className="field">
        <label className="field__label" htmlFor={id}>
          {t("forums.watch.label")}
        </label>
        <select className="select" id={id} name="level" defaultValue={level} key={level}>
          {WATCH_LEVELS.map((l) => (
            <option key={l} value={l}>
              {tx(`forums.watch.levels.${l}`)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="btn btn--small btn--secondary">
        {t("forums.watch.submit")}
      </button>
    </Form>
  );
}
