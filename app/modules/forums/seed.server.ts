// Forum structure and demo content, seeded once with the demo accounts (server/seed.ts
// calls seedForums inside its system transaction). The structure comes from
// supabase/data/quebec.json: theme categories from its topics, one for the 10
// propositions of the Quebec TUO guide, one space per health region (18), discipline
// spaces and a private managers' space. Demo conversations are invented, respectful
// and person-first.
import type { Tx } from "~/utils/db.server";
import quebec from "../../../supabase/data/quebec.json";
import { textToDoc } from "~/components/rich-text/plain-text";
import { docToPlainText, type RichDoc, type RichNode } from "~/components/rich-text/limits";

/** Province-wide theme categories, in this order (codes of quebec.json topics). */
export const THEME_TOPICS = [
  "tao",
  "safer_supply",
  "reduction_mefaits",
  "naloxone",
  "sevrage",
  "douleur_chronique",
  "sante_mentale",
  "polyconsommation",
  "hepatite_c",
  "itinerance",
  "jeunes",
  "autochtones",
  "stigmatisation",
  "organisation_services",
  "alcool",
  "proches",
] as const;

export const DISCIPLINE_SPACES = [
  {
    slug: "pharmaciens",
    discipline: "pharmacien",
    fr: "Pharmaciennes et pharmaciens",
    en: "Pharmacists",
    dfr: "Entre pharmaciens : TAO en pharmacie communautaire, doses manquées, communication avec les prescripteurs.",
    den: "Among pharmacists: OAT in community pharmacy, missed doses, working with prescribers.",
  },
  {
    slug: "pairs-aidants",
    discipline: "pair_aidant",
    fr: "Pairs aidants",
    en: "Peer support workers",
    dfr: "Un espace pour les pairs aidants et celles et ceux qui travaillent avec eux.",
    den: "A space for peer support workers and those who work with them.",
  },
  {
    slug: "infirmieres",
    discipline: "infirmiere",
    fr: "Infirmières, infirmiers et IPS",
    en: "Nurses and nurse practitioners",
    dfr: "Pratique infirmière en dépendance : induction, suivi, ordonnances collectives.",
    den: "Nursing practice in addiction care: induction, follow-up, collective prescriptions.",
  },
  {
    slug: "medecins",
    discipline: "medecin",
    fr: "Médecins",
    en: "Physicians",
    dfr: "Questions cliniques entre médecins qui prescrivent le TAO.",
    den: "Clinical questions among physicians who prescribe OAT.",
  },
  {
    slug: "intervention-psychosociale",
    discipline: "intervenant_psychosocial",
    fr: "Intervention psychosociale et travail social",
    en: "Psychosocial intervention and social work",
    dfr: "Accompagnement, logement, trajectoires : entre intervenantes et intervenants.",
    den: "Support, housing, pathways: among psychosocial workers.",
  },
] as const;

const slugify = (text: string) =>
  text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 50);

interface SeedIds {
  admin: string;
  mentor: string;
  member: string;
  newcomer: string;
}

/** The demo accounts of the README whose voices the demo conversations use. */
const DEMO_AUTHORS = {
  admin: "admin@passerelle.test",
  mentor: "mentor@passerelle.test",
  member: "membre@passerelle.test",
  newcomer: "nouveau@passerelle.test",
} as const;

const daysAgo = (days: number, hours = 0) => new Date(Date.now() - (days * 24 + hours) * 3600 * 1000);

/** Demo bodies are written in the textarea markup; a tool reference gets the tool's page. */
function body(markup: string): { doc: string; text: string } {
  const withHref = (node: RichNode): RichNode => {
    if (node.type === "reference" && node.attrs?.kind === "tool") {
      return { ...node, attrs: { ...node.attrs, href: `/tools/${String(node.attrs.id)}` } };
    }
    return node.content ? { ...node, content: node.content.map(withHref) } : node;
  };
  const parsed = textToDoc(markup);
  const doc: RichDoc = { ...parsed, content: parsed.content.map(withHref) };
  return { doc: JSON.stringify(doc), text: docToPlainText(doc) };
}

export interface SpaceSeed {
  slug: string;
  kind: string;
  visibility: "public" | "verified" | "members";
  fr: string;
  en: string;
  dfr: string;
  den: string;
  region: string | null;
  discipline: string | null;
  position: number;
  categories: Array<{ slug: string; fr: string; en: string; dfr: string; den: string; topic: string | null; position: number }>;
}

/** The forums' structure (also written to supabase/seed.sql by scripts/gen-seed-sql.ts). */
export function forumStructure(): SpaceSeed[] {
  const topicNames = new Map(quebec.topics.map((t) => [t.code, t]));
  const themes = THEME_TOPICS.flatMap((code, i) => {
    const topic = topicNames.get(code);
    return topic
      ? [{ slug: slugify(code.replace(/_/g, "-")), fr: topic.fr, en: topic.en, dfr: "", den: "", topic: code, position: i + 1 }]
      : [];
  });
  return [
    {
      slug: "accueil",
      kind: "community",
      visibility: "public",
      fr: "Accueil",
      en: "Welcome",
      position: 0,
      region: null,
      discipline: null,
      dfr: "Ouvert à toutes et à tous, même avant la vérification du compte.",
      den: "Open to everyone, even before account verification.",
      categories: [
        {
          slug: "bienvenue",
          fr: "Bienvenue et annonces",
          en: "Welcome and announcements",
          topic: null,
          position: 0,
          dfr: "Présentez-vous, posez vos questions sur Passerelle, lisez les annonces de l'équipe.",
          den: "Introduce yourself, ask about Passerelle, read the team's announcements.",
        },
      ],
    },
    {
      slug: "quebec",
      kind: "community",
      visibility: "verified",
      fr: "Québec — thèmes cliniques",
      en: "Québec — clinical themes",
      position: 1,
      region: null,
      discipline: null,
      dfr: "Les échanges de toute la province, par thème.",
      den: "Province-wide discussions, by theme.",
      categories: [
        {
          slug: "guide-tuo",
          fr: "Guide québécois TUO : les 10 propositions",
          en: "Quebec OUD guide: the 10 propositions",
          topic: null,
          position: 0,
          dfr: "Mettre en pratique les propositions du guide, une à la fois.",
          den: "Putting the guide's propositions into practice, one at a time.",
        },
        ...themes,
      ],
    },
    ...quebec.regions.map((region): SpaceSeed => ({
      slug: `region-${region.code}`,
      kind: "region",
      visibility: "verified",
      fr: `${region.code} — ${region.fr}`,
      en: `${region.code} — ${region.en}`,
      region: region.code,
      discipline: null,
      position: 10 + Number(region.code),
      dfr: `Les ressources, corridors et collègues de la région ${region.fr}.`,
      den: `Resources, pathways and colleagues of ${region.en}.`,
      categories: [
        { slug: `region-${region.code}-${slugify(region.fr)}`, fr: region.fr, en: region.en, dfr: "", den: "", topic: null, position: 0 },
      ],
    })),
    ...DISCIPLINE_SPACES.map((d, i): SpaceSeed => ({
      slug: d.slug,
      kind: "discipline",
      visibility: "verified",
      fr: d.fr,
      en: d.en,
      dfr: d.dfr,
      den: d.den,
      region: null,
      discipline: d.discipline,
      position: 40 + i,
      categories: [{ slug: `espace-${d.slug}`, fr: d.fr, en: d.en, dfr: "", den: "", topic: null, position: 0 }],
    })),
    {
      slug: "gestionnaires",
      kind: "group",
      visibility: "members",
      fr: "Gestionnaires",
      en: "Managers",
      position: 60,
      region: null,
      discipline: null,
      dfr: "Espace privé des gestionnaires : organisation des services, rencontres, indicateurs.",
      den: "Private space for managers: service organization, meetings, indicators.",
      categories: [
        {
          slug: "rencontres-gestionnaires",
          fr: "Rencontres des gestionnaires",
          en: "Managers' meetings",
          dfr: "",
          den: "",
          topic: null,
          position: 0,
        },
      ],
    },
  ];
}

/**
 * Creates the spaces and categories of forumStructure() that do not exist yet (by slug),
 * and returns the ids of all of them. Run at every start, demo or not (decision 008):
 * a production database gets the structure without demo content; several processes
 * starting together are fine (`on conflict do nothing`). What moderators changed since
 * (names, order, archiving) is left alone: only missing slugs are created.
 */
export async function ensureForumStructure(tx: Tx): Promise<{ spaceIds: Map<string, string>; categoryIds: Map<string, string> }> {
  const structure = forumStructure();
  // Every start comes here: when everything exists (the usual restart) it is two reads and
  // no write; only what is missing is inserted (and a concurrent start's rows are kept).
  const readSpaces = async () =>
    new Map(
      (
        await tx
          .selectFrom("spaces")
          .select(["id", "slug"])
          .where(
            "slug",
            "in",
            structure.map((sp) => sp.slug),
          )
          .execute()
      ).map((row) => [row.slug, row.id]),
    );
  let spaceIds = await readSpaces();
  const missingSpaces = structure.filter((sp) => !spaceIds.has(sp.slug));
  if (missingSpaces.length > 0) {
    await tx
      .insertInto("spaces")
      .values(
        missingSpaces.map((sp) => ({
          slug: sp.slug,
          kind: sp.kind,
          visibility: sp.visibility,
          name_fr: sp.fr,
          name_en: sp.en,
          description_fr: sp.dfr,
          description_en: sp.den,
          region_code: sp.region,
          discipline_code: sp.discipline,
          position: sp.position,
          created_by: null,
        })),
      )
      .onConflict((oc) => oc.column("slug").doNothing())
      .execute();
    spaceIds = await readSpaces();
  }
  const categories = structure.flatMap((sp) => sp.categories.map((c) => ({ space: sp.slug, ...c })));
  const readCategories = async () =>
    new Map(
      (
        await tx
          .selectFrom("forum_categories")
          .select(["id", "slug"])
          .where(
            "slug",
            "in",
            categories.map((c) => c.slug),
          )
          .execute()
      ).map((row) => [row.slug, row.id]),
    );
  let categoryIds = await readCategories();
  const missingCategories = categories.filter((c) => !categoryIds.has(c.slug));
  if (missingCategories.length > 0) {
    await tx
      .insertInto("forum_categories")
      .values(
        missingCategories.map((c) => ({
          space_id: spaceIds.get(c.space) ?? "",
          slug: c.slug,
          name_fr: c.fr,
          name_en: c.en,
          description_fr: c.dfr,
          description_en: c.den,
          position: c.position,
          topic_code: c.topic,
          created_by: null,
        })),
      )
      .onConflict((oc) => oc.column("slug").doNothing())
      .execute();
    categoryIds = await readCategories();
  }
  return { spaceIds, categoryIds };
}

/** `idsByEmail`: the demo accounts just created (email → profile id). */
export async function seedForums(tx: Tx, idsByEmail: ReadonlyMap<string, string>): Promise<void> {
  const pick = (email: string) => {
    const id = idsByEmail.get(email);
    if (!id) throw new Error(`seedForums: demo account ${email} missing`);
    return id;
  };
  const ids: SeedIds = {
    admin: pick(DEMO_AUTHORS.admin),
    mentor: pick(DEMO_AUTHORS.mentor),
    member: pick(DEMO_AUTHORS.member),
    newcomer: pick(DEMO_AUTHORS.newcomer),
  };
  // The demo community has been around for a while: its members are past the slower
  // pace of new members (unverified accounts stay new whatever their age).
  await tx
    .updateTable("profiles")
    .set({ created_at: daysAgo(60) })
    .where("id", "in", Object.values(ids))
    .execute();
  await tx
    .updateTable("profiles")
    .set({ verified_at: daysAgo(59) })
    .where("id", "in", Object.values(ids))
    .where("verification_status", "=", "verified")
    .execute();

  // ── Spaces and categories (already there: createServices ensures them at every start) ──
  const { spaceIds, categoryIds } = await ensureForumStructure(tx);
  const category = (slug: string) => {
    const id = categoryIds.get(slug);
    if (!id) throw new Error(`seedForums: no category ${slug}`);
    return id;
  };
  const welcome = category("bienvenue");
  const guide = category("guide-tuo");
  const managers = category("rencontres-gestionnaires");
  await tx
    .insertInto("space_members")
    .values({ space_id: spaceIds.get("gestionnaires") ?? "", user_id: ids.admin, role: "moderator", added_by: ids.admin })
    .execute();

  // ── Demo conversations ──
  const tool = await tx
    .selectFrom("tools")
    .select(["id", "title"])
    .where("status", "=", "published")
    .orderBy("published_on", "desc")
    .executeTakeFirst();
  const post = async (topicId: number, author: string, markup: string, at: Date, replyTo: number | null = null) => {
    const b = body(markup);
    const row = await tx
      .insertInto("forum_posts")
      .values({
        topic_id: topicId,
        author_id: author,
        reply_to_post_id: replyTo,
        body: b.doc,
        body_text: b.text,
        status: "published",
        created_at: at,
      })
      .returning(["id", "post_number"])
      .executeTakeFirstOrThrow();
    await tx
      .insertInto("forum_topic_watches")
      .values({ user_id: author, topic_id: topicId, level: "watching", reason: "auto" })
      .onConflict((oc) => oc.columns(["user_id", "topic_id"]).doNothing())
      .execute();
    await tx
      .insertInto("forum_topic_reads")
      .values({ user_id: author, topic_id: topicId, last_read_post_number: row.post_number })
      .onConflict((oc) => oc.columns(["user_id", "topic_id"]).doUpdateSet({ last_read_post_number: row.post_number }))
      .execute();
    return row.id;
  };
  const topic = async (
    categoryId: string,
    author: string,
    title: string,
    tags: string[],
    markup: string,
    at: Date,
    options: { pinned?: boolean } = {},
  ) => {
    const row = await tx
      .insertInto("forum_topics")
      .values({
        category_id: categoryId,
        author_id: author,
        title,
        tags,
        status: "published",
        created_at: at,
        last_posted_at: at,
        pinned_at: options.pinned ? at : null,
        region_code: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const first = await post(row.id, author, markup, at);
    return { id: row.id, first };
  };

  const rules = await topic(
    welcome,
    ids.admin,
    "Bienvenue sur Passerelle : comment nous échangeons",
    ["stigmatisation"],
    [
      "Bienvenue dans la communauté de pratique Passerelle !",
      "",
      "Quelques repères pour des échanges utiles et respectueux :",
      "",
      "1. **Aucune information permettant d'identifier une personne** : ni nom, ni date de naissance, ni lieu précis. Décrivez la situation clinique, pas la personne.",
      "2. Un langage centré sur la personne : on parle d'une *personne ayant un trouble lié à l'utilisation d'opioïdes (TUO)*.",
      "3. La réduction des méfaits est notre cadre commun.",
      "4. Signalez un message qui vous semble problématique : l'équipe de modération le verra.",
      "",
      "Les espaces régionaux et thématiques s'ouvrent dès que votre compte est vérifié.",
    ].join("\n"),
    daysAgo(40),
    { pinned: true },
  );

  await topic(
    guide,
    ids.admin,
    "Les 10 propositions du guide québécois sur le TUO",
    ["tao", "organisation_services"],
    [
      "Voici les 10 propositions du guide, pour en discuter une à la fois dans cette catégorie :",
      "",
      ...quebec.guideTuoPropositions.map((p) => `${p.n}. ${p.fr}`),
      "",
      "Quelle proposition est la plus difficile à appliquer dans votre milieu ?",
    ].join("\n"),
    daysAgo(35),
    { pinned: true },
  );

  const induction = await topic(
    category("region-09-cote-nord"),
    ids.member,
    "Induction à la buprénorphine en région éloignée : vos façons de faire ?",
    ["buprenorphine", "tao"],
    [
      "Bonjour à toutes et à tous,",
      "",
      "À Sept-Îles, nous accueillons de plus en plus de personnes ayant un TUO qui souhaitent commencer la buprénorphine/naloxone, mais le médecin prescripteur n'est présent que deux jours par semaine.",
      "",
      "Comment organisez-vous l'**induction à domicile** quand l'équipe est petite ?",
      "",
      "- Suivi téléphonique le jour 1 ?",
      "- Ordonnance collective infirmière ?",
      "- Entente avec la pharmacie communautaire ?",
      "",
      "Merci de vos retours !",
    ].join("\n"),
    daysAgo(6, 3),
  );
  const reply = await post(
    induction.id,
    ids.mentor,
    [
      `Bonjour @[Isabelle Gagnon](member:${ids.member}), bonne question.`,
      "",
      "Dans plusieurs équipes de la Capitale-Nationale, l'induction à domicile fonctionne bien avec :",
      "",
      "1. une évaluation du sevrage (échelle COWS) faite avec la personne la veille;",
      "2. un appel de l'infirmière le matin du jour 1, puis en fin de journée;",
      "3. une entente écrite avec la pharmacie pour ajuster les doses du jour 2.",
      "",
      tool
        ? `Le guide est utile pour la trajectoire : [${tool.title.replace(/[[\]\\]/g, "")}](tool:${tool.id})`
        : "Le guide du MSSS est utile pour la trajectoire.",
    ].join("\n"),
    daysAgo(5, 20),
    induction.first,
  );
  await post(
    induction.id,
    ids.member,
    "Merci beaucoup, l'appel du matin du jour 1 est une excellente idée. Nous allons l'essayer avec la pharmacie de Sept-Îles.",
    daysAgo(5, 2),
    reply,
  );
  await tx.updateTable("forum_topics").set({ accepted_post_id: reply }).where("id", "=", induction.id).execute();

  const safer = await topic(
    category("safer-supply"),
    ids.mentor,
    "Approvisionnement plus sécuritaire : comment en parler avec la personne ?",
    ["safer_supply", "reduction_mefaits"],
    [
      "Je cherche des formulations **simples et non stigmatisantes** pour présenter les bénéfices et les risques de l'approvisionnement plus sécuritaire.",
      "",
      "> L'objectif est de réduire le recours à l'approvisionnement non réglementé, pas d'imposer l'abstinence.",
      "",
      "Avez-vous des outils ou des phrases qui fonctionnent bien en entretien ?",
    ].join("\n"),
    daysAgo(3, 5),
  );
  await post(
    safer.id,
    ids.member,
    "En entretien motivationnel, je commence par demander à la personne ce qu'elle sait déjà et ce qui l'inquiète. Ça ouvre la discussion sans jugement.",
    daysAgo(2, 8),
    safer.first,
  );

  await topic(
    category("espace-pharmaciens"),
    ids.mentor,
    "Doses manquées de méthadone : à partir de quand contacter le prescripteur ?",
    ["methadone", "tao"],
    [
      "Question pour nos collègues pharmaciens : quelles sont vos pratiques quand une personne manque **trois doses consécutives** de méthadone ?",
      "",
      "Je sais que les recommandations varient selon la dose; j'aimerais connaître ce qui se fait concrètement en pharmacie communautaire.",
    ].join("\n"),
    daysAgo(9),
  );

  await topic(
    managers,
    ids.admin,
    "Ordre du jour — rencontre des gestionnaires",
    ["organisation_services"],
    [
      "Ordre du jour proposé :",
      "",
      "1. Tableau de bord des délais d'accès au TAO",
      "2. Corridors de services avec les urgences",
      "3. Soutien clinique aux équipes des régions éloignées (mentorat)",
      "",
      "Ajoutez vos points en réponse.",
    ].join("\n"),
    daysAgo(2),
  );

  await post(
    rules.id,
    ids.newcomer,
    "Bonjour ! Pair aidant en Gaspésie, content de rejoindre la communauté. J'ai hâte d'échanger sur la naloxone et la prévention des surdoses.",
    daysAgo(1, 4),
    rules.first,
  );
}
