// Vocabulary of the name detector (pure, small, shared by server and browser): the words
// that introduce a person's name in clinical notes, and the clinical vocabulary that a
// capitalised word or a gazetteer hit must not be confused with (drugs, organisations and
// programmes, places and regions of Quebec, staff roles, words that start sentences).
// The gazetteer of given and family names itself is data (data/names.json), loaded only
// on the server (gazetteer.server.ts).

/** Lower case, accents removed, curly apostrophe straightened: how names are compared. */
export function foldName(word: string): string {
  // Most words are ASCII: skip the Unicode decomposition for them (the guard is on every keystroke).
  if (/^[\x20-\x7e]*$/.test(word)) return word.toLowerCase();
  const cached = foldCache.get(word);
  if (cached !== undefined) return cached;
  const folded = word.normalize("NFD").replace(/\p{M}/gu, "").replace(/’/g, "'").toLowerCase();
  if (foldCache.size > 5000) foldCache.clear();
  foldCache.set(word, folded);
  return folded;
}
const foldCache = new Map<string, string>();

/** The gazetteer, as sets of folded names. */
export interface NameLexicon {
  given: ReadonlySet<string>;
  family: ReadonlySet<string>;
}

const words = (s: string) => s.trim().split(/\s+/).map(foldName);
// As written and without accents ("mère" and "mere"), for regexes.
const rawWords = (s: string) => [
  ...new Set(
    s
      .trim()
      .split(/\s+/)
      .flatMap((w) => [w.toLowerCase(), foldName(w)]),
  ),
];

// Relationship words: a name often follows ("sa conjointe Josée", "her husband Dave").
export const RELATIONSHIP_WORDS = rawWords(`
  conjoint conjointe époux épouse mari femme chum blonde copain copine partenaire ami amie amis amies coloc colocataire
  colocs voisin voisine père mère papa maman parent fils fille frère soeur sœur demi-frère demi-soeur demi-sœur
  oncle tante cousin cousine neveu nièce grand-père grand-mère grand-maman grand-papa petit-fils petite-fille
  beau-père belle-mère beau-frère belle-soeur belle-sœur gendre bru filleul filleule parrain marraine enfant bébé
  ex fiancé fiancée tuteur tutrice proche aidant aidante
  husband wife spouse partner boyfriend girlfriend friend roommate neighbour neighbor father mother dad mom mum
  son daughter brother sister uncle aunt cousin nephew niece grandfather grandmother grandma grandpa grandson
  granddaughter stepfather stepmother stepson stepdaughter fiance fiancee child baby caregiver
`);

// Labels before a name ("Pt:", "Patiente :", "Nom:", "Client name:").
export const LABEL_RE_SOURCE =
  "(?:pt|patient|patiente|patient\\(e\\)|usager|usagère|usagere|client|cliente|client name|patient name|nom du patient|nom de la patiente|nom de l['’]usager|nom|name|full name|nom complet|prénom et nom|participant|participante|résident|résidente|resident|bénéficiaire|re|objet)\\s*:";

// Verbs of meeting and calling, then the person met ("a revu Marc", "spoke with Dave").
export const MEETING_VERBS_RE_SOURCE =
  "(?:a\\s+(?:re)?vu|ai\\s+(?:re)?vu|avons\\s+(?:re)?vu|a\\s+rencontré|ai\\s+rencontré|avons\\s+rencontré|rencontre|rencontré|revu|a\\s+appelé|ai\\s+appelé|appelé|appelée|appeler|a\\s+parlé\\s+(?:à|avec)|ai\\s+parlé\\s+(?:à|avec)|parlé\\s+(?:à|avec)|a\\s+accompagné|accompagné|accompagnée|a\\s+contacté|contacté|contactée|a\\s+joint|a\\s+rejoint|visite\\s+(?:à|chez)|chez|avec|accompagnée\\s+de|accompagné\\s+de|met\\s+with|met|saw|seen|called|phoned|visited|spoke\\s+(?:to|with)|talked\\s+(?:to|with)|accompanied\\s+by|with)";

// Words that are never a person's name in these notes, even capitalised or in a frame:
// drugs and brands, organisations and programmes, places and regions, staff roles,
// days and months, and words that begin sentences.
export const NAME_STOPWORDS: ReadonlySet<string> = new Set(
  words(`
  suboxone subutex sublocade narcan naloxone methadone méthadone metadol kadian dilaudid hydromorph hydromorphone
  morphine fentanyl fentanil oxycontin oxycodone percocet tylenol advil motrin ativan lorazepam xanax rivotril
  clonazepam valium diazepam seroquel quetiapine zyprexa olanzapine abilify aripiprazole risperdal invega concerta
  ritalin vyvanse wellbutrin effexor zoloft prozac celexa cipralex lyrica gabapentin neurontin vivitrol naltrexone
  buprenorphine bupe bup kadian statex emtec tramadol codeine dexedrine adderall cocaine crack speed crystal meth
  ghb ketamine heroin héroïne xylazine benzos benzo nitazene nitazenes nitazène tabac cannabis alcool ensure
  epclusa maviret biktarvy truvada prep pep descovy suprefact insuline lantus metformine
  clsc ciusss cisss chsld chu chum cusm muhc crdm crd crdi dpj spvm sq grc rcmp ramq saaq cnesst hema-quebec
  urgence urgences urgence-sante urgence-santé info-social info-santé info-sante cactus dopamine spectre anonyme
  l'anonyme mission missions bonneau accueil maison refuge portage domremy domrémy stella sac relais caddie
  pivot arrimage ressource ressources projet programme programmes tapaj aire sida sidalys tandem rézo rezo
  plein milieu cap macadam chez doris yellow door shelter salvation army welcome hall old brewery
  montreal montréal quebec québec laval gatineau sherbrooke trois-rivieres trois-rivières saguenay levis lévis
  longueuil rimouski rouyn-noranda val-d'or chicoutimi jonquiere jonquière drummondville granby saint-jerome
  saint-jérôme terrebonne repentigny joliette victoriaville shawinigan sept-iles sept-îles baie-comeau gaspe gaspé
  matane alma amos kuujjuaq puvirnituq inukjuak salluit chisasibi mistissini waskaganish wemindji kahnawake
  kanesatake kanehsatake akwesasne wendake mashteuiatsh uashat maliotenam manawan wemotaci opitciwan
  outaouais abitibi abitibi-temiscamingue gaspesie gaspésie estrie mauricie lanaudiere lanaudière laurentides
  monteregie montérégie nunavik cote-nord côte-nord bas-saint-laurent chaudiere-appalaches chaudière-appalaches
  centre-du-quebec centre-du-québec saguenay-lac-saint-jean eeyou istchee capitale-nationale charlevoix
  verdun hochelaga maisonneuve hochelaga-maisonneuve plateau villeray rosemont saint-henri saint-michel
  pointe-saint-charles montreal-nord montréal-nord cote-des-neiges côte-des-neiges centre-sud ahuntsic limoilou
  vanier lasalle lachine anjou outremont westmount parc-extension griffintown mile-end saint-roch saint-sauveur
  ontario toronto ottawa canada canadien canadienne nunavut vancouver haiti haïti maroc algerie algérie
  sainte-justine notre-dame saint-luc hotel-dieu hôtel-dieu douglas louis-h pinel albert-prevost
  lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday wednesday thursday friday saturday sunday
  janvier fevrier février mars avril mai juin juillet aout août septembre octobre novembre decembre décembre
  january february march april may june july august september october november december
  noel noël paques pâques
  madame monsieur mademoiselle docteur docteure doctor mister miss sir dr dre mme mmes mlle mr mrs ms mx pr pre prof
  infirmier infirmiere infirmière inf intervenant intervenante ts travailleur travailleuse travailleuse
  pair pairs paire aidante médecin medecin md psychiatre psychologue pharmacien pharmacienne
  nurse physician psychiatrist psychologist pharmacist worker caseworker counsellor counselor peer
  resident résident résidente coordonnateur coordonnatrice gestionnaire equipe équipe team staff
  patient patiente client cliente usager usagère usagere personne person
  le la les un une des du de au aux et ou mais donc car ni ne pas plus tres très bien mal aussi encore deja déjà
  il elle ils elles on nous vous je tu lui leur leurs son sa ses mon ma mes ton ta tes ce cet cette ces
  the a an and or but not so also yet still he she they we you i it his her their our my your this that these those
  est sont etait était a ont avait sera fait is are was were has have had will did does do
  depuis pendant apres après avant selon pour dans sur sous vers chez avec sans entre contre
  since during after before per for in on under with without between against to from of at by
  aujourd'hui hier demain today yesterday tomorrow matin soir nuit morning evening night
  oui non yes no ok note notes suivi plan objectif objectifs evaluation évaluation assessment
  rendez-vous rdv visite visit appel call
  tao oat toxicomanie dependance dépendance surdose overdose sevrage withdrawal rechute relapse
  hepatite hépatite vih hiv vhc hcv itss sti tb covid
  rue street avenue boulevard
  lien avis sang ami amie bebe bébé art loi chance song lane sky heaven justice patience prudence charity faith olive
  centre center hopital hôpital hospital clinique clinic pavillon institut institute universite université university
  college collège ecole école school service services direction unite unité unit departement département department
  association fondation foundation societe société society groupe group regie régie ministere ministère ministry
  gmf emergency urgence-sante santé sante health social sociale sociaux mental mentale public publique city ville
  saint sainte st ste mont mount lac lake riviere rivière river ile île island nord sud est ouest north south east west
  old brewery drop-in metro métro
`),
);
