import { parseWithZod } from "@conform-to/zod";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireVerified } from "~/modules/accounts/guards.server";
import { conversationRoom, getChatSettings, myConversationIds, setPresenceVisible } from "~/modules/chat/chat.server";
import { CHAT_BROADCASTS, chatSettingsSchema } from "~/modules/chat/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "chat.settings.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireVerified(request, context);
  return json(await getChatSettings(context.db, viewer.claims));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireVerified(request, context);
  const submission = parseWithZod(await request.formData(), { schema: chatSettingsSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const visible = submission.value.showPresence === "on";
  await setPresenceVisible(context.db, viewer.claims, visible);
  // Shown or hidden at once to the people they talk with (they are on this page, so online).
  for (const id of await myConversationIds(context.db, viewer.claims)) {
    context.realtime.emitToRoom(conversationRoom(id), CHAT_BROADCASTS.presence, { userId: viewer.id, online: visible });
  }
  return redirect("/chat/settings?saved=1");
}

export default function ChatSettings() {
  const { t } = useI18n();
  const { showPresence } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <div className="stack stack--l">
      <header className="page-header">
        <h1>{t("chat.settings.title")}</h1>
      </header>
      {params.get("saved") ? (
        <p className="alert alert--success" role="status">
          {t("chat.settings.saved")}
        </p>
      ) : null}
      <Form method="post" className="form">
        <div className="field">
          <label className="checkbox">
            <input type="checkbox" name="showPresence" defaultChecked={showPresence} aria-describedby="presence-hint" />
            <span>{t("chat.settings.presence")}</span>
          </label>
          <p className="field__hint" id="presence-hint">
            {t("chat.settings.presenceHint")}
          </p>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn--primary">
            {t("chat.settings.save")}
          </button>
        </div>
      </Form>
      <p>
        <Link to="/notifications#settings">{t("chat.settings.emailLink")}</Link>
      </p>
    </div>
  );
}
