// What the demo seed adds to the public tools of supabase/data/library-and-events.json
// (server/seed.ts and scripts/gen-seed-sql.ts): summaries written for Passerelle in
// French and English, document language, intended disciplines and review dates.
// One item is deliberately past its review date, so the notice shows in the demo.

export interface ToolSeedExtra {
  summaryFr: string;
  summaryEn: string;
  language: "fr" | "en" | "bilingual";
  disciplines: string[];
  lastReviewedOn: string;
  reviewDueOn: string;
}

const prescribers = ["medecin", "ips", "pharmacien", "infirmiere"];
const teams = ["medecin", "ips", "infirmiere", "pharmacien", "travail_social", "intervenant_psychosocial"];
const frontline = ["infirmiere", "intervenant_psychosocial", "intervenant_communautaire", "pair_aidant", "travail_social"];

export const TOOL_SEED_EXTRAS: Record<string, ToolSeedExtra> = {
  "Guide québécois d'amélioration des pratiques sur la prise en charge du trouble lié à l'utilisation des opioïdes (TUO)": {
    summaryFr:
      "Le guide de référence québécois pour organiser et offrir les soins aux personnes ayant un TUO : évaluation, choix du traitement par agonistes opioïdes, suivi, et rôle de chaque membre de l'équipe. Ses dix propositions servent de base à plusieurs discussions de la communauté.",
    summaryEn:
      "Quebec's reference guide for organising and providing care to people with opioid use disorder: assessment, choosing an opioid agonist treatment, follow-up, and the role of each team member. Its ten propositions frame many of the community's discussions.",
    language: "fr",
    disciplines: teams,
    lastReviewedOn: "2026-03-10",
    reviewDueOn: "2027-03-10",
  },
  "La pharmacothérapie de remplacement des substances psychoactives dans le contexte de pandémie de COVID-19 au Québec : guide clinique à l'intention des prescripteurs":
    {
      summaryFr:
        "Guide clinique rédigé pendant la pandémie pour aider les prescripteurs à offrir une pharmacothérapie de remplacement (opioïdes, alcool, benzodiazépines, stimulants) aux personnes devant s'isoler. Plusieurs recommandations ont évolué depuis : à lire avec les guides plus récents.",
      summaryEn:
        "A clinical guide written during the pandemic to help prescribers offer replacement pharmacotherapy (opioids, alcohol, benzodiazepines, stimulants) to people who had to isolate. Several recommendations have since evolved: read it alongside more recent guides.",
      language: "fr",
      disciplines: prescribers,
      lastReviewedOn: "2024-06-30",
      reviewDueOn: "2025-06-30",
    },
  "Capsules sur l'approvisionnement plus sécuritaire : opioïdes, tabac, alcool, benzodiazépines, cannabis, stimulants (6 capsules)": {
    summaryFr:
      "Six courtes vidéos qui présentent l'approvisionnement plus sécuritaire, substance par substance : pour qui, avec quelles options et quelles précautions. Utiles pour une présentation d'équipe ou une première formation.",
    summaryEn:
      "Six short videos introducing safer supply, substance by substance: for whom, with which options and which precautions. Useful for a team presentation or a first training session.",
    language: "fr",
    disciplines: teams,
    lastReviewedOn: "2026-01-20",
    reviewDueOn: "2027-01-20",
  },
  "Outil organisationnel soutenant la tolérance à la consommation de substances psychoactives en unité d'isolement": {
    summaryFr:
      "Outil destiné aux gestionnaires et aux équipes qui accueillent des personnes en isolement : comment tolérer et encadrer la consommation de substances de façon sécuritaire, dans une approche de réduction des méfaits.",
    summaryEn:
      "A tool for managers and teams hosting people in isolation units: how to tolerate and frame substance use safely, within a harm reduction approach.",
    language: "fr",
    disciplines: ["gestionnaire", "infirmiere", "intervenant_communautaire"],
    lastReviewedOn: "2026-02-01",
    reviewDueOn: "2027-08-01",
  },
  "Boîte à outils pour la mise en place d'un site répondant à un besoin urgent en matière de santé publique (SBUSP)": {
    summaryFr:
      "Étapes, gabarits et conseils pour ouvrir un site répondant à un besoin urgent en santé publique (SBUSP) : consultation du milieu, personnel, naloxone, protocoles d'intervention en cas de surdose.",
    summaryEn:
      "Steps, templates and advice for opening an urgent public health need site (UPHNS): community consultation, staffing, naloxone, overdose response protocols.",
    language: "fr",
    disciplines: ["gestionnaire", "intervenant_communautaire", "pair_aidant", "infirmiere"],
    lastReviewedOn: "2026-05-12",
    reviewDueOn: "2027-05-12",
  },
  "Savoir reconnaître et agir lors d'une intoxication sévère ou d'une surdose liée à la consommation de substances psychoactives ou d'un sevrage d'alcool":
    {
      summaryFr:
        "Aide-mémoire pour reconnaître les signes d'une intoxication grave, d'une surdose ou d'un sevrage d'alcool compliqué, et savoir quoi faire en attendant les secours, dont l'administration de naloxone.",
      summaryEn:
        "A quick reference to recognise severe intoxication, overdose or complicated alcohol withdrawal, and what to do while waiting for help, including giving naloxone.",
      language: "fr",
      disciplines: frontline,
      lastReviewedOn: "2026-04-02",
      reviewDueOn: "2027-04-02",
    },
  "Guide d'utilisation de la morphine à libération lente uniquotidienne dans le cadre d'un traitement par agonistes opioïdes (TAO)": {
    summaryFr:
      "Guide pratique sur la morphine orale à libération lente une fois par jour comme option de TAO : indications, initiation, ajustement des doses, suivi et transfert entre molécules.",
    summaryEn:
      "A practical guide to once-daily slow-release oral morphine as an OAT option: indications, starting, dose adjustment, monitoring and switching between medications.",
    language: "fr",
    disciplines: prescribers,
    lastReviewedOn: "2026-06-18",
    reviewDueOn: "2027-06-18",
  },
  "Annexe 2 – Faire un choix éclairé (demande de sevrage d'opioïdes)": {
    summaryFr:
      "Document à remettre à la personne qui demande un sevrage d'opioïdes : les risques, surtout la perte de tolérance et la surdose, et les autres options possibles, pour une décision éclairée.",
    summaryEn:
      "A handout for people asking to taper off opioids: the risks, especially loss of tolerance and overdose, and the other options available, for an informed decision.",
    language: "fr",
    disciplines: teams,
    lastReviewedOn: "2026-03-10",
    reviewDueOn: "2027-03-10",
  },
  "Annexe 3 – Liste des éléments à aborder lors d'une demande de sevrage": {
    summaryFr:
      "Liste de vérification pour l'entretien avec une personne qui demande un sevrage : motivations, soutien, plan de sécurité, naloxone et suivi après l'arrêt.",
    summaryEn:
      "A checklist for the conversation with a person asking to taper: reasons, support, safety plan, naloxone and follow-up after stopping.",
    language: "fr",
    disciplines: teams,
    lastReviewedOn: "2026-03-10",
    reviewDueOn: "2027-03-10",
  },
  "Annexe 4 – Formulaire de consentement (sevrage d'opioïdes)": {
    summaryFr:
      "Modèle de formulaire de consentement au sevrage d'opioïdes, qui consigne l'information transmise sur les risques et les options.",
    summaryEn: "A template consent form for opioid tapering, recording the information given about risks and options.",
    language: "fr",
    disciplines: prescribers,
    lastReviewedOn: "2026-03-10",
    reviewDueOn: "2027-03-10",
  },
  "Annexe 5 – Conditions pour réduire les risques associés au sevrage": {
    summaryFr:
      "Les conditions qui rendent un sevrage plus sécuritaire : rythme de diminution, filet de sécurité, accès à la naloxone et possibilité de reprendre le traitement rapidement.",
    summaryEn:
      "The conditions that make a taper safer: pace of reduction, safety net, access to naloxone and the option to restart treatment quickly.",
    language: "fr",
    disciplines: teams,
    lastReviewedOn: "2026-03-10",
    reviewDueOn: "2027-03-10",
  },
  "Traitement par agonistes opioïdes – guide d'usage optimal et outils de transfert de connaissances": {
    summaryFr:
      "Le guide d'usage optimal de l'INESSS sur le TAO (méthadone, buprénorphine-naloxone) avec ses outils : aide-mémoire d'initiation, ajustement des doses, doses non supervisées et interactions.",
    summaryEn:
      "INESSS's optimal use guide on OAT (methadone, buprenorphine-naloxone) with its tools: initiation quick references, dose adjustment, take-home doses and interactions.",
    language: "fr",
    disciplines: prescribers,
    lastReviewedOn: "2026-08-25",
    reviewDueOn: "2027-08-25",
  },
  "Guide d'information et d'orientation pour une offre de traitement par agonistes opioïdes injectable au Québec": {
    summaryFr:
      "Repères pour mettre sur pied une offre de TAO injectable (TAOi) : personnes visées, organisation du service, sécurité et collaboration avec la pharmacie.",
    summaryEn:
      "Guidance for setting up injectable opioid agonist treatment (iOAT): who it is for, how to organise the service, safety and collaboration with the pharmacy.",
    language: "fr",
    disciplines: ["medecin", "ips", "infirmiere", "pharmacien", "gestionnaire"],
    lastReviewedOn: "2026-07-07",
    reviewDueOn: "2027-07-07",
  },
  "Formation de base sur les TUO, la santé mentale et la douleur chronique (en ligne)": {
    summaryFr:
      "Formation en ligne d'introduction aux TUO, à leurs liens avec la santé mentale et la douleur chronique, pensée pour les équipes qui commencent à accompagner ces personnes.",
    summaryEn:
      "An introductory online course on opioid use disorder and its links with mental health and chronic pain, designed for teams starting to support these people.",
    language: "fr",
    disciplines: teams,
    lastReviewedOn: "2026-09-30",
    reviewDueOn: "2027-09-30",
  },
  "PROFAN 2.0 – prévenir et former pour agir contre les surdoses de narcotiques": {
    summaryFr:
      "Programme de formation à la prévention et à l'intervention en cas de surdose, développé avec des pairs : reconnaître une surdose, utiliser la naloxone et soutenir les personnes concernées.",
    summaryEn:
      "A training programme on overdose prevention and response, developed with peers: recognising an overdose, using naloxone and supporting the people involved.",
    language: "fr",
    disciplines: ["pair_aidant", "intervenant_communautaire", "intervenant_psychosocial"],
    lastReviewedOn: "2026-02-14",
    reviewDueOn: "2027-02-14",
  },
  "Collaboration pour les soins en toxicomanie et en santé mentale : meilleurs conseils": {
    summaryFr:
      "Rapport pancanadien sur la collaboration entre les services en dépendance et en santé mentale : ce qui fonctionne pour coordonner les soins des personnes vivant avec des troubles concomitants.",
    summaryEn:
      "A Canada-wide report on collaboration between substance use and mental health services: what works to coordinate care for people living with concurrent disorders.",
    language: "bilingual",
    disciplines: ["gestionnaire", "travail_social", "intervenant_psychosocial"],
    lastReviewedOn: "2025-12-01",
    reviewDueOn: "2026-12-01",
  },
  "Rapport – Besoins de développement des compétences en troubles d'usage d'opioïdes (DPSMD)": {
    summaryFr:
      "Rapport d'enquête sur les besoins de formation des équipes en santé mentale et dépendance au sujet des TUO, avec des pistes pour la formation continue.",
    summaryEn:
      "A survey report on the training needs of mental health and addiction teams regarding opioid use disorder, with directions for continuing education.",
    language: "fr",
    disciplines: ["gestionnaire", "chercheur"],
    lastReviewedOn: "2026-01-10",
    reviewDueOn: "2027-01-10",
  },
};
