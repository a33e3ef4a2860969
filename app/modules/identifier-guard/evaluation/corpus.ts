// The guard's evaluation corpus: short clinical notes in French and English generated
// from templates and name lists written for it, each with the identifiers it holds
// (kind and exact text). Two halves from fixed seeds:
//  - development: names drawn from a list that overlaps the gazetteer (what the
//    detector was tuned on);
//  - test: held-out names written separately (Quebec French and English families,
//    Inuit, Mohawk, Cree, Innu and Atikamekw families, families from Haiti, the
//    Maghreb, Lebanon, Vietnam, China, Latin America and South Asia), most of them
//    absent from the gazetteer, a different seed and its own clinical sentences. It is
//    only scored.
// Clean notes are full of the vocabulary the guard must leave alone: drugs and brands,
// organisations and programmes, places and regions, street life, a title used alone,
// staff roles, doses, durations and partial dates.

export interface Expected {
  kind: string;
  text: string;
}
export interface Note {
  text: string;
  expected: Expected[];
  lang: "fr" | "en";
  clean: boolean;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same corpus. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEV_NAMES = {
  given: [
    "Sophie",
    "Nathalie",
    "Isabelle",
    "Julie",
    "Marc",
    "Patrick",
    "Daniel",
    "Sylvain",
    "Martin",
    "Stéphane",
    "Chantal",
    "Caroline",
    "Mathieu",
    "Nicolas",
    "Émilie",
    "Kevin",
    "Jessica",
    "Amanda",
    "Brandon",
    "Tyler",
    "Louise",
    "Robert",
    "Michel",
    "Denise",
    "Claude",
    "Lucie",
    "Ahmed",
    "Fatou",
    "Carlos",
    "Ana",
  ],
  family: [
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "Smith",
    "Johnson",
    "Williams",
    "Nguyen",
    "Silva",
    "Rossi",
    "Fontaine",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Mercier",
    "Blanchard",
    "Diallo",
    "Fernandez",
    "Ferreira",
    "Kowalski",
  ],
};

const TEST_NAMES = {
  given: [
    "Josée",
    "Réjean",
    "Ginette",
    "Gaétan",
    "Manon",
    "Sylvie",
    "Mélanie",
    "Maxime",
    "Jonathan",
    "Geneviève",
    "Marie-Ève",
    "Jean-François",
    "Pierre-Luc",
    "Annie",
    "Karine",
    "Steve",
    "Yannick",
    "Lucassie",
    "Qalingo",
    "Elisapi",
    "Jaaji",
    "Putulik",
    "Kahentinetha",
    "Karonhiio",
    "Tekarontake",
    "Wilner",
    "Guerline",
    "Widlyne",
    "Karim",
    "Yacine",
    "Samira",
    "Nadia",
    "Thanh",
    "Minh",
    "Alejandro",
    "Harpreet",
    "Rajesh",
    "Francine",
    "Normand",
    "Ghislain",
    "Nancy",
    "Mireille",
    "Éric",
    "Guylaine",
  ],
  family: [
    "Tremblay",
    "Gagnon",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gagné",
    "Ouellet",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
    "Paquette",
    "Simard",
    "Cloutier",
    "Poirier",
    "Thibault",
    "St-Pierre",
    "Nadeau",
    "Bédard",
    "Lessard",
    "Bernier",
    "Hébert",
    "Desjardins",
    "Turcotte",
    "Lachance",
    "Gosselin",
    "Proulx",
    "Tukkiapik",
    "Qumaluk",
    "Annanack",
    "Kasudluak",
    "Nappaaluk",
    "Uqaituk",
    "Diabo",
    "McComber",
    "Montour",
    "Two-Axe",
    "Goodleaf",
    "Awashish",
    "Mianscum",
    "Petawabano",
    "Neeposh",
    "Saganash",
    "Mestokosho",
    "Vollant",
    "Ashini",
    "Kanapé",
    "Echaquan",
    "Néquado",
    "Jean-Baptiste",
    "Pierre-Louis",
    "Exantus",
    "Dorvilus",
    "Belkacem",
    "Benmoussa",
    "Khelifi",
    "Khoury",
    "Saliba",
    "Tran",
    "Pham",
    "Chen",
    "Zhang",
    "Ramirez",
    "Morales",
    "Patel",
    "Singh",
    "Chowdhury",
  ],
};

type Names = typeof DEV_NAMES;
type Pick = <T>(xs: readonly T[]) => T;

// ── The clinical vocabulary to leave alone ─────────────────────────────────
const FR_CLEAN = [
  "Madame accepte de poursuivre le suivi TAO, Suboxone 16 mg die.",
  "Monsieur refuse la méthadone pour l'instant.",
  "Vit dans la rue depuis 3 ans, dort parfois au refuge.",
  "Référé au CLSC de Verdun et à Cactus Montréal pour le matériel.",
  "Suivi conjoint avec Dopamine et Spectre de rue dans Hochelaga.",
  "Naloxone (Narcan) remise avec l'enseignement.",
  "L'infirmière et la travailleuse sociale ont revu le plan d'intervention.",
  "TAO depuis mars, dose stable de méthadone 80 mg.",
  "Consommation de fentanyl et de crystal meth, injection 3 fois par jour.",
  "Hépatite C traitée avec Epclusa en 2021.",
  "Hébergé à la Mission Old Brewery pendant 2 semaines.",
  "Retour en région, en Abitibi, prévu après le sevrage.",
  "Le médecin de famille du GMF a ajusté le Seroquel.",
  "Intervention de l'équipe de proximité du CIUSSS du Centre-Sud.",
  "Patiente dans la trentaine, en couple, sans emploi.",
  "Rencontre avec la pair aidante au local de l'organisme.",
  "Surdose au fentanyl la semaine dernière, réanimée par Urgence-santé.",
  "Transfert vers le CRD de Québec pour une cure fermée.",
  "Dose de 12/03 manquée, reprise le lendemain.",
  "Sublocade envisagé si l'adhésion reste difficile.",
  "Suivi par le psychiatre de l'équipe de Laval depuis 2019.",
  "Habite un logement social dans Saint-Henri depuis peu.",
  "Monsieur dit avoir consommé de l'alcool et des benzos (Ativan, Rivotril).",
  "Madame a été vue à l'urgence de l'hôpital régional.",
  "Ressource d'hébergement à Gatineau en Outaouais, liste d'attente de 6 semaines.",
  "Programme TAPAJ proposé au jeune adulte.",
  "Le travailleur de rue l'a croisé près du métro.",
  "Communauté de Kahnawake, suivi avec l'équipe de santé locale.",
  "Retour prévu à Kuujjuaq au Nunavik après l'hospitalisation.",
  "Clinique Cactus et site d'injection supervisée fréquentés.",
  "Prise de Wellbutrin et de Concerta, arrêt du Ritalin.",
  "Info-Social 811 consulté la nuit dernière.",
  "Madame souhaite réduire sa dose de 10 % par semaine.",
  "Pas de consommation depuis 45 jours selon lui.",
  "Intervenante de la DPJ impliquée pour les enfants.",
  "Vu au CHUM, puis au CLSC Plateau-Mont-Royal.",
];
const EN_CLEAN = [
  "Patient agrees to continue OAT, Suboxone 16 mg daily.",
  "Client declines methadone for now.",
  "Has been living on the street for 3 years, sometimes sleeps at the shelter.",
  "Referred to the CLSC and to Cactus Montréal for supplies.",
  "Joint follow-up with Dopamine and the harm reduction team in Hochelaga.",
  "Naloxone kit given with teaching.",
  "The nurse and the social worker reviewed the care plan.",
  "On methadone 80 mg since March, stable dose.",
  "Uses fentanyl and crystal meth, injecting 3 times a day.",
  "Hepatitis C treated with Epclusa in 2021.",
  "Stayed at the Old Brewery Mission for 2 weeks.",
  "Plans to go back to the Gaspésie region after withdrawal management.",
  "The family physician adjusted the Seroquel dose.",
  "Outreach team of the CIUSSS followed up twice.",
  "Client in her thirties, in a relationship, unemployed.",
  "Met the peer worker at the drop-in centre.",
  "Fentanyl overdose last week, revived by paramedics.",
  "Transfer to an inpatient rehab program in Quebec City.",
  "Sublocade considered if adherence stays difficult.",
  "Followed by the team psychiatrist in Laval since 2019.",
  "Reports alcohol and benzodiazepine use (Ativan, Xanax).",
  "Seen in the emergency department of the regional hospital.",
  "Housing resource in Gatineau, waiting list of 6 weeks.",
  "Community of Kahnawake, followed by the local health team.",
  "Returning to Kuujjuaq in Nunavik after discharge.",
  "Takes Wellbutrin and Concerta, stopped Ritalin.",
  "Wants to taper by 10% a week.",
  "No use for 45 days according to him.",
  "Child protection worker involved for the kids.",
  "Seen at the CHUM and then at the CLSC.",
  "The outreach worker met him near the metro station.",
  "Mister declined the offer of a bed.",
];

// ── Identifiers other than names ───────────────────────────────────────────
// Each returns the sentence and the identifier's exact text.
type Maker = (p: Pick, r: () => number) => { text: string; id: Expected };
const digits = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join("");
const luhnComplete = (eight: string) => {
  for (let c = 0; c < 10; c++) {
    const d = eight + c;
    let sum = 0;
    for (let i = 0; i < 9; i++) {
      let x = Number(d[8 - i]);
      if (i % 2 === 1) {
        x *= 2;
        if (x > 9) x -= 9;
      }
      sum += x;
    }
    if (sum % 10 === 0) return d;
  }
  return eight + "0";
};
const SPACES = [" ", "\u00A0", "\u202F", "-", "."];
const OTHER_MAKERS: Array<{ lang: "fr" | "en"; make: Maker }> = [
  {
    lang: "fr",
    make: (p, r) => {
      const s = p(SPACES);
      const t = `418${s}555${s}${digits(r, 4)}`;
      return { text: `On peut la joindre au ${t}.`, id: { kind: "phone", text: t } };
    },
  },
  {
    lang: "fr",
    make: (p, r) => {
      const t = `514 ${digits(r, 1).replace(/[01]/, "7")}${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}`;
      return { text: `Son cellulaire : ${t}.`, id: { kind: "phone", text: t } };
    },
  },
  {
    lang: "en",
    make: (p, r) => {
      const t = `(819) 555-${digits(r, 4)}`;
      return { text: `Call him at ${t} if needed.`, id: { kind: "phone", text: t } };
    },
  },
  {
    lang: "fr",
    make: (p) => {
      const t = `${p(["mtremblay", "josee.c", "rejean_b", "k.diabo"])}@${p(["gmail.com", "hotmail.ca", "videotron.ca"])}`;
      return { text: `Courriel du patient : ${t}.`, id: { kind: "email", text: t } };
    },
  },
  {
    lang: "fr",
    make: (p) => {
      const t = `${p(["mtremblay", "jcote", "gagnon.r"])} arobase ${p(["gmail", "hotmail"])} point ${p(["com", "ca"])}`;
      return { text: `Elle écrit à ${t}.`, id: { kind: "email", text: t } };
    },
  },
  {
    lang: "en",
    make: (p) => {
      const t = `${p(["dave.m", "kk22", "sarah.o"])} at ${p(["gmail", "yahoo"])} dot com`;
      return { text: `Her email is ${t}.`, id: { kind: "email", text: t } };
    },
  },
  {
    lang: "fr",
    make: (p, r) => {
      const s = p(SPACES.slice(0, 3));
      const t = `${p(["H2X", "G1R", "J8Y", "H3K"])}${s}${digits(r, 1)}${p(["B", "K", "P"])}${digits(r, 1)}`;
      return { text: `Code postal ${t}, selon le dossier.`, id: { kind: "postal_code", text: t } };
    },
  },
  {
    lang: "fr",
    make: (p, r) => {
      const t = `${10 + Math.floor(r() * 4000)}, rue ${p(["Saint-Denis", "Ontario", "Beaubien", "Sainte-Catherine"])}`;
      return { text: `Habite au ${t} avec sa mère.`, id: { kind: "address", text: t } };
    },
  },
  {
    lang: "fr",
    make: (p, r) => {
      const n = 10 + Math.floor(r() * 4000);
      const t = `rue ${p(["Ontario", "Beaubien", "Fleury"])}, au numéro ${n}`;
      return { text: `Demeure sur la ${t}.`, id: { kind: "address", text: t } };
    },
  },
  {
    lang: "en",
    make: (p, r) => {
      const t = `${10 + Math.floor(r() * 900)} ${p(["Main", "Queen", "Park"])} Street`;
      return { text: `Lives at ${t} with a roommate.`, id: { kind: "address", text: t } };
    },
  },
  {
    lang: "fr",
    make: (p, r) => {
      const t = `${1 + Math.floor(r() * 28)} ${p(["mars", "avril", "juin", "octobre"])} ${1950 + Math.floor(r() * 50)}`;
      return { text: `Née le ${t} à Rimouski.`, id: { kind: "date_of_birth", text: t } };
    },
  },
  {
    lang: "fr",
    make: (p) => {
      const t = `${p(["le trois", "le douze", "le vingt-deux"])} ${p(["mars", "mai", "juillet"])} mil neuf cent ${p(["soixante et un", "quarante-huit", "quatre-vingt-deux"])}`;
      return { text: `Il est né ${t}.`, id: { kind: "date_of_birth", text: t.replace(/^le /, "") } };
    },
  },
  {
    lang: "fr",
    make: (p) => {
      const t = `${p(["mars", "juin", "novembre"])} ${p(["61", "58", "74"])}`;
      return { text: `Elle est née en ${t}.`, id: { kind: "date_of_birth", text: t } };
    },
  },
  {
    lang: "en",
    make: (p, r) => {
      const t = `${p(["03", "11", "07"])}/${10 + Math.floor(r() * 18)}/19${50 + Math.floor(r() * 49)}`;
      return { text: `DOB ${t}.`, id: { kind: "date_of_birth", text: t } };
    },
  },
  {
    lang: "fr",
    make: (p) => {
      const t = `${p(["quatre-vingt-douze", "quatre-vingt-quinze", "quatre-vingt-dix-sept"])} ans`;
      return { text: `Une dame de ${t}, autonome.`, id: { kind: "age_over_89", text: t } };
    },
  },
  {
    lang: "en",
    make: (p) => {
      const t = `${p(["ninety-two", "ninety-four", "93"])} years old`;
      return { text: `A man ${t} living alone.`, id: { kind: "age_over_89", text: t } };
    },
  },
  {
    lang: "fr",
    make: (p, r) => {
      const t = `${digits(r, 6)}`;
      return { text: `Numéro de dossier ${t} à l'hôpital.`, id: { kind: "record_number", text: t } };
    },
  },
  {
    lang: "fr",
    make: (p, r) => {
      const t = `${100 + Math.floor(r() * 800)}`;
      return { text: `Hospitalisé, chambre ${t}, lit 2.`, id: { kind: "room_number", text: t } };
    },
  },
  {
    lang: "en",
    make: (p, r) => {
      const t = `${100 + Math.floor(r() * 800)}B`;
      return { text: `Admitted to room ${t} on the third floor.`, id: { kind: "room_number", text: t } };
    },
  },
  {
    lang: "fr",
    make: (p, r) => {
      const d = luhnComplete(`${1 + Math.floor(r() * 7)}${digits(r, 7)}`);
      const s = p([" ", "\u202F", "-"]);
      const t = `${d.slice(0, 3)}${s}${d.slice(3, 6)}${s}${d.slice(6)}`;
      return { text: `NAS ${t} noté par erreur.`, id: { kind: "sin", text: t } };
    },
  },
  {
    lang: "fr",
    make: (p) => {
      const t = p(["TREM 8503 1513", "COTJ 6153 0300", "TREM\u202F8503\u202F1513", "cotj.6153.0300"]);
      return { text: `Carte soleil ${t} photocopiée.`, id: { kind: "nam", text: t } };
    },
  },
  {
    lang: "fr",
    make: (p) => {
      const t = `${p(["12", "3", "27"])} ${p(["janvier", "août", "décembre"])} 2024`;
      return { text: `Vu à l'urgence le ${t}.`, id: { kind: "date", text: t } };
    },
  },
];

// ── Names in their frames ──────────────────────────────────────────────────
type NameFrame = (n: { g: string; f: string; p: Pick }) => { text: string; name: string };
const NAME_FRAMES: Array<{ lang: "fr" | "en"; make: NameFrame }> = [
  {
    lang: "fr",
    make: ({ g, p }) => ({
      text: `Sa ${p(["conjointe", "coloc", "tante", "soeur", "voisine", "mère"])} ${g} est venue au rendez-vous.`,
      name: g,
    }),
  },
  {
    lang: "fr",
    make: ({ g, p }) => ({ text: `Son ${p(["père", "fils", "frère", "chum", "oncle", "conjoint"])} ${g} l'accompagne parfois.`, name: g }),
  },
  { lang: "fr", make: ({ g, f }) => ({ text: `Pt: ${g} ${f}, suivi TAO.`, name: `${g} ${f}` }) },
  { lang: "fr", make: ({ f }) => ({ text: `Patiente : ${f}, 40 ans.`, name: f }) },
  { lang: "fr", make: ({ g, f }) => ({ text: `Nom: ${f}, ${g}`, name: `${f}, ${g}` }) },
  { lang: "fr", make: ({ g, f }) => ({ text: `${f}, ${g} — rechute au fentanyl.`, name: `${f}, ${g}` }) },
  { lang: "fr", make: ({ g, f }) => ({ text: `Mme ${g[0]}. ${f} accepte la naloxone.`, name: `${g[0]}. ${f}` }) },
  { lang: "fr", make: ({ f, p }) => ({ text: `${p(["madame", "MME", "Mme.", "monsieur", "M."])} ${f} se présente seule.`, name: f }) },
  { lang: "fr", make: ({ f }) => ({ text: `Vu en présence de la docteure ${f} au GMF.`, name: f }) },
  { lang: "fr", make: ({ g, p }) => ({ text: `L'intervenant a ${p(["revu", "rencontré", "appelé"])} ${g} hier soir.`, name: g }) },
  { lang: "fr", make: ({ g, f }) => ({ text: `J'ai parlé avec ${g} ${f} au téléphone.`, name: `${g} ${f}` }) },
  { lang: "fr", make: ({ g }) => ({ text: `Elle s'appelle ${g.toLowerCase()} selon la travailleuse de rue.`, name: g.toLowerCase() }) },
  { lang: "fr", make: ({ g, f }) => ({ text: `Vu ${g} ${f} ce matin au local.`, name: `${g} ${f}` }) },
  { lang: "fr", make: ({ g }) => ({ text: `${g} a rechuté en fin de semaine.`, name: g }) },
  { lang: "fr", make: ({ g, f }) => ({ text: `Accompagnée de ${g} ${f} à la pharmacie.`, name: `${g} ${f}` }) },
  {
    lang: "en",
    make: ({ g, p }) => ({ text: `Her ${p(["husband", "boyfriend", "brother", "son", "roommate"])} ${g} was present.`, name: g }),
  },
  { lang: "en", make: ({ g, f }) => ({ text: `Client name: ${g} ${f}`, name: `${g} ${f}` }) },
  { lang: "en", make: ({ g, p }) => ({ text: `${p(["Met with", "Spoke with", "Called"])} ${g} at the shelter.`, name: g }) },
  { lang: "en", make: ({ f, p }) => ({ text: `${p(["Mr.", "Mrs", "Ms.", "MR"])} ${f} declined the referral.`, name: f }) },
  { lang: "en", make: ({ g, f }) => ({ text: `${g} ${f} was seen today for a dose adjustment.`, name: `${g} ${f}` }) },
  { lang: "en", make: ({ g }) => ({ text: `His name is ${g}, he uses fentanyl daily.`, name: g }) },
];

function generate(seed: number, names: Names, half: 0 | 1, counts: { names: number; others: number; clean: number }): Note[] {
  const r = rng(seed);
  const p: Pick = (xs) => xs[Math.floor(r() * xs.length)]!;
  const notes: Note[] = [];
  // Each half has its own clinical sentences (even ones for development, odd ones for test).
  const pool = { fr: FR_CLEAN.filter((_, i) => i % 2 === half), en: EN_CLEAN.filter((_, i) => i % 2 === half) };
  const filler = (lang: "fr" | "en") => p(pool[lang]);
  // Every identifier sentence sits between clinical sentences, as in a real note.
  const wrap = (lang: "fr" | "en", sentence: string) => {
    const a = r() < 0.7 ? `${filler(lang)} ` : "";
    const b = r() < 0.7 ? ` ${filler(lang)}` : "";
    return `${a}${sentence}${b}`;
  };
  for (let i = 0; i < counts.names; i++) {
    const frame = NAME_FRAMES[i % NAME_FRAMES.length]!;
    const { text, name } = frame.make({ g: p(names.given), f: p(names.family), p });
    notes.push({ text: wrap(frame.lang, text), expected: [{ kind: "name", text: name }], lang: frame.lang, clean: false });
  }
  for (let i = 0; i < counts.others; i++) {
    const maker = OTHER_MAKERS[i % OTHER_MAKERS.length]!;
    const { text, id } = maker.make(p, r);
    notes.push({ text: wrap(maker.lang, text), expected: [id], lang: maker.lang, clean: false });
  }
  for (let i = 0; i < counts.clean; i++) {
    const lang = r() < 0.6 ? "fr" : "en";
    const n = 2 + Math.floor(r() * 3);
    const parts = new Set<string>();
    while (parts.size < Math.min(n, pool[lang].length)) parts.add(filler(lang));
    notes.push({ text: [...parts].join(" "), expected: [], lang, clean: true });
  }
  return notes;
}

/** 400 notes: 200 to tune on, 200 to score (90 with a name, 30 with another identifier, 80 clean, in each half). */
export const developmentNotes = (): Note[] => generate(20261206, DEV_NAMES, 0, { names: 90, others: 30, clean: 80 });
export const testNotes = (): Note[] => generate(16_2026, TEST_NAMES, 1, { names: 90, others: 30, clean: 80 });
