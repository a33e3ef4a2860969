// The pages about the site itself (about, contact, accessibility): a title, a lead,
// sections of text or lists, in the visitor's language (the "site" namespace).
import type { ReactNode } from "react";
import { useI18n } from "~/utils/i18n";

export function SitePage({ page, children }: { page: "about" | "contact" | "accessibility"; children: ReactNode }) {
  const { tx } = useI18n();
  return (
    <div className="container container--narrow stack stack--l">
      <header className="page-header">
        <h1>{tx(`site.${page}.title`)}</h1>
        <p className="lead">{tx(`site.${page}.lead`)}</p>
      </header>
      {children}
    </div>
  );
}

/** A section: `<prefix>.title` and either `<prefix>.body` or a list of `<prefix>.items.<item>`. */
export function SiteSection({ prefix, items, children }: { prefix: string; items?: readonly string[]; children?: ReactNode }) {
  const { tx } = useI18n();
  const id = prefix.replace(/\./g, "-");
  return (
    <section className="stack stack--s" aria-labelledby={id}>
      <h2 id={id} className="section-title">
        {tx(`${prefix}.title`)}
      </h2>
      {items ? (
        <ul>
          {items.map((item) => (
            <li key={item}>{tx(`${prefix}.items.${item}`)}</li>
          ))}
        </ul>
      ) : (
        <p>{tx(`${prefix}.body`)}</p>
      )}
      {children}
    </section>
  );
}

/** The team's address as a mailto link, after a short label. */
export function ContactEmail({ label, email }: { label: string; email: string }) {
  return (
    <p>
      {label} <a href={`mailto:${email}`}>{email}</a>
    </p>
  );
}
