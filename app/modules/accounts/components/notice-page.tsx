import { useI18n } from "~/utils/i18n";

/** A versioned notice people consent to (terms, privacy): title, version, sections. */
export function NoticePage({
  notice,
  version,
  sections,
  children,
}: {
  notice: "privacy" | "terms";
  version: string;
  sections: readonly string[];
  children?: React.ReactNode;
}) {
  const { tx } = useI18n();
  return (
    <div className="container container--narrow stack">
      <header className="page-header">
        <h1>{tx(`${notice}.title`)}</h1>
        <p className="meta">{tx(`${notice}.version`, { version })}</p>
      </header>
      {sections.map((s) => (
        <section key={s} className="stack stack--s">
          <h2 className="section-title">{tx(`${notice}.${s}.title`)}</h2>
          <p>{tx(`${notice}.${s}.body`)}</p>
        </section>
      ))}
      {children}
    </div>
  );
}
