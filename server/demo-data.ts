// The demo accounts listed in the README. Names are invented; every account uses
// DEMO_PASSWORD. Only ever seeded on the embedded default or with SEED_DEMO=true.
import type { Role } from "~/utils/db-schema";

export const DEMO_PASSWORD = "passerelle-demo";

export interface DemoAccount {
  email: string;
  displayName: string;
  discipline: string;
  region: string;
  establishment: string;
  establishmentKind: string;
  orderCode: string | null;
  permitNumber: string | null;
  languages: string[];
  topics: string[];
  bio: string;
  directoryOptIn: boolean;
  verified: boolean;
  roles: Role[];
}

export const DEMO_ACCOUNTS: [DemoAccount, ...DemoAccount[]] = [
  {
    email: "admin@passerelle.test",
    displayName: "Geneviève Tremblay",
    discipline: "gestionnaire",
    region: "06",
    establishment: "CIUSSS du Centre-Sud-de-l'Île-de-Montréal",
    establishmentKind: "ciusss",
    orderCode: null,
    permitNumber: null,
    languages: ["fr", "en"],
    topics: ["organisation_services", "tao"],
    bio: "Coordonne la communauté de pratique et la vérification des membres.",
    directoryOptIn: false,
    verified: true,
    roles: ["admin"],
  },
  {
    email: "mentor@passerelle.test",
    displayName: "Marc-André Lévesque",
    discipline: "medecin",
    region: "03",
    establishment: "CIUSSS de la Capitale-Nationale",
    establishmentKind: "ciusss",
    orderCode: "CMQ",
    permitNumber: "1-23456",
    languages: ["fr", "en"],
    topics: ["tao", "buprenorphine", "taoi", "douleur_chronique"],
    bio: "Médecin en dépendance depuis quinze ans; accompagne les équipes qui démarrent le TAO en région.",
    directoryOptIn: true,
    verified: true,
    roles: ["mentor"],
  },
  {
    email: "membre@passerelle.test",
    displayName: "Isabelle Gagnon",
    discipline: "infirmiere",
    region: "09",
    establishment: "CISSS de la Côte-Nord",
    establishmentKind: "cisss",
    orderCode: "OIIQ",
    permitNumber: "2345678",
    languages: ["fr"],
    topics: ["tao", "reduction_mefaits", "itinerance"],
    bio: "Infirmière en dépendance à Sept-Îles; soutient les personnes ayant un TUO dans leur parcours de soins.",
    directoryOptIn: true,
    verified: true,
    roles: [],
  },
  {
    email: "nouveau@passerelle.test",
    displayName: "Samuel Côté",
    discipline: "pair_aidant",
    region: "11",
    establishment: "Organisme communautaire en réduction des méfaits",
    establishmentKind: "communautaire",
    orderCode: null,
    permitNumber: null,
    languages: ["fr"],
    topics: ["pairs_aidants", "naloxone"],
    bio: "Pair aidant en Gaspésie.",
    directoryOptIn: false,
    verified: false,
    roles: [],
  },
];
