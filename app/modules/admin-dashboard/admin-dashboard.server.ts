// The admins' dashboard: each figure is read with the admin's own claims (withUser), so
// row-level security applies as on every other admin page; the mentoring coverage and the
// re-verification queue come from their modules' own functions rather than a second copy
// of their queries. Months and days are Montréal's (America/Toronto), like the jobs.
import { sql } from "kysely";
import { listReverification, type Viewer } from "~/modules/accounts/accounts.server";
import { REGIONS, DISCIPLINES } from "~/modules/accounts/reference";
import { coordinationOverview } from "~/modules/mentoring/mentoring.server";
import type { Database, Tx } from "~/utils/db.server";
import type { Figure, FigureName } from "./figures";
import { localToday } from "~/utils/local-time";

export { FIGURE_NAMES, figureCsvRows, isFigureName, type Figure, type FigureName } from "./figures";

/** How many months the membership figures go back, this month included. */
export const MEMBER_MONTHS = 12;
/** How many months the moderation figure covers, this month included. */
export const MODERATION_MONTHS = 6;
/** How many past events the attendance figure shows. */
export const RECENT_EVENTS = 8;

const forbidden = () => new Response("forbidden", { status: 403, statusText: "Forbidden" });

function requireAdmin(viewer: Viewer) {
  if (!viewer.roles.includes("admin")) throw forbidden();
}

const read = <T>(db: Database, viewer: Viewer, fn: (tx: Tx) => Promise<T>) => {
  requireAdmin(viewer);
  return db.withUser(viewer.claims, fn, { readOnly: true });
};

/** The first day (YYYY-MM-01) of each of the last `count` Montréal months, oldest first. */
export function lastMonths(count: number, now: Date): string[] {
  const [year, month] = localToday(now).split("-").map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(year, month - 1 - (count - 1 - i), 1));
    return d.toISOString().slice(0, 10);
  });
}

/**
 * Verified members at the end of each month (cumulative, by the day they were verified;
 * a revoked member no longer counts), per region or discipline, or in all.
 */
async function verifiedPerMonth(tx: Tx, months: string[], by: "region_code" | "discipline" | null) {
  const key = by ? sql.ref(`p.${by}`) : sql`'all'`;
  const { rows } = await sql<{ month: string; key: string; n: number }>`
    select to_char(m.month, 'YYYY-MM-DD') as month, ${key} as key, count(p.id)::int as n
      from unnest(${months}::date[]) as m(month)
      join public.profiles p
        on p.verification_status = 'verified'
       and p.verified_at is not null
       and (p.verified_at at time zone 'America/Toronto') < (m.month + interval '1 month')
     group by 1, 2`.execute(tx);
  const counts = new Map(rows.map((r) => [`${r.month}|${r.key}`, r.n]));
  return (k: string) => months.map((m) => counts.get(`${m}|${k}`) ?? 0);
}

export async function membersTotalFigure(db: Database, viewer: Viewer, now = new Date()): Promise<Figure> {
  const months = lastMonths(MEMBER_MONTHS, now);
  const values = await read(db, viewer, async (tx) => (await verifiedPerMonth(tx, months, null))("all"));
  return {
    name: "members-total",
    columns: [{ key: "admin.dashboard.columns.verified" }],
    rows: months.map((month, i) => ({ label: { month }, values: [values[i] ?? 0] })),
    chart: [0],
  };
}

export async function membersByRegionFigure(db: Database, viewer: Viewer, now = new Date()): Promise<Figure> {
  const months = lastMonths(MEMBER_MONTHS, now);
  const of = await read(db, viewer, (tx) => verifiedPerMonth(tx, months, "region_code"));
  return {
    name: "members-region",
    columns: months.map((month) => ({ month })),
    rows: REGIONS.map((r) => ({ label: { region: r.code }, values: of(r.code) })),
    chart: [months.length - 1],
  };
}

export async function membersByDisciplineFigure(db: Database, viewer: Viewer, now = new Date()): Promise<Figure> {
  const months = lastMonths(MEMBER_MONTHS, now);
  const of = await read(db, viewer, (tx) => verifiedPerMonth(tx, months, "discipline"));
  return {
    name: "members-discipline",
    columns: months.map((month) => ({ month })),
    rows: DISCIPLINES.map((d) => ({ label: { discipline: d.code }, values: of(d.code) })),
    chart: [months.length - 1],
  };
}

/** Members waiting for a first verification, and the permits queue (decision 027). */
export async function queuesFigure(db: Database, viewer: Viewer, now = new Date()): Promise<Figure> {
  const waiting = await read(db, viewer, async (tx) => {
    const row = await tx
      .selectFrom("profiles")
      .select((e) => e.fn.countAll<number>().as("n"))
      .where("verification_status", "=", "unverified")
      .executeTakeFirstOrThrow();
    return Number(row.n);
  });
  const permits = await listReverification(db, viewer, now);
  const renewals = permits.filter((p) => p.renewalSubmittedAt !== null).length;
  const lapsed = permits.filter((p) => p.renewalSubmittedAt === null && p.lapsed).length;
  const expiring = permits.length - renewals - lapsed;
  return {
    name: "queues",
    columns: [{ key: "admin.dashboard.columns.count" }],
    rows: [
      { label: { key: "admin.dashboard.queues.verification" }, values: [waiting] },
      { label: { key: "admin.dashboard.queues.renewals" }, values: [renewals] },
      { label: { key: "admin.dashboard.queues.lapsed" }, values: [lapsed] },
      { label: { key: "admin.dashboard.queues.expiring" }, values: [expiring] },
    ],
    chart: [0],
  };
}

/**
 * Forum flags per Montréal month: received (by the day they were raised), handled (by the
 * day they were resolved) and the median hours from flag to resolution of those handled.
 */
export async function moderationFigure(db: Database, viewer: Viewer, now = new Date()): Promise<Figure> {
  const months = lastMonths(MODERATION_MONTHS, now);
  const rows = await read(db, viewer, async (tx) => {
    const { rows } = await sql<{ month: string; received: number; handled: number; median_hours: number | null }>`
      select to_char(m.month, 'YYYY-MM-DD') as month,
             (select count(*)::int from public.forum_flags f
               where date_trunc('month', f.created_at at time zone 'America/Toronto') = m.month) as received,
             (select count(*)::int from public.forum_flags f
               where f.resolved_at is not null
                 and date_trunc('month', f.resolved_at at time zone 'America/Toronto') = m.month) as handled,
             (select percentile_cont(0.5) within group (order by extract(epoch from f.resolved_at - f.created_at) / 3600)
                from public.forum_flags f
               where f.resolved_at is not null
                 and date_trunc('month', f.resolved_at at time zone 'America/Toronto') = m.month) as median_hours
        from unnest(${months}::date[]) as m(month)
       order by m.month`.execute(tx);
    return rows;
  });
  return {
    name: "moderation",
    columns: [
      { key: "admin.dashboard.columns.received" },
      { key: "admin.dashboard.columns.handled" },
      { key: "admin.dashboard.columns.medianHours" },
    ],
    rows: rows.map((r) => ({
      label: { month: r.month },
      values: [r.received, r.handled, r.median_hours === null ? null : Math.round(Number(r.median_hours) * 10) / 10],
    })),
    chart: [0, 1],
  };
}

/** Published library items (current versions) whose review date has passed or comes soon. */
export async function libraryFigure(db: Database, viewer: Viewer, now = new Date()): Promise<Figure> {
  const today = localToday(now);
  const row = await read(db, viewer, async (tx) => {
    const { rows } = await sql<{ overdue: number; within30: number; within90: number }>`
      select count(*) filter (where review_due_on < ${today}::date)::int as overdue,
             count(*) filter (where review_due_on >= ${today}::date and review_due_on < ${today}::date + 30)::int as within30,
             count(*) filter (where review_due_on >= ${today}::date + 30 and review_due_on < ${today}::date + 90)::int as within90
        from public.tools
       where status = 'published' and superseded_by is null`.execute(tx);
    return rows[0]!;
  });
  return {
    name: "library",
    columns: [{ key: "admin.dashboard.columns.count" }],
    rows: [
      { label: { key: "admin.dashboard.library.overdue" }, values: [row.overdue] },
      { label: { key: "admin.dashboard.library.within30" }, values: [row.within30] },
      { label: { key: "admin.dashboard.library.within90" }, values: [row.within90] },
    ],
    chart: [0],
  };
}

/** Mentoring coverage per region, as the coordination page computes it. */
export async function mentoringFigure(db: Database, viewer: Viewer): Promise<Figure> {
  requireAdmin(viewer);
  const overview = await coordinationOverview(db, viewer);
  if (!overview) throw forbidden();
  return {
    name: "mentoring",
    columns: [{ key: "admin.dashboard.columns.mentors" }, { key: "admin.dashboard.columns.requests" }],
    rows: overview.coverage.map((c) => ({ label: { region: c.region }, values: [c.mentors, c.requests] })),
    chart: [0, 1],
  };
}

/** The most recent past events: registrations still standing, and people who joined the live room. */
export async function webinarsFigure(db: Database, viewer: Viewer, now = new Date()): Promise<Figure> {
  const rows = await read(db, viewer, async (tx) => {
    const { rows } = await sql<{ title: string; starts_at: string; registered: number; attended: number }>`
      select e.title, to_char(e.starts_at at time zone 'America/Toronto', 'YYYY-MM-DD') as starts_at,
             (select count(*)::int from public.event_registrations r where r.event_id = e.id and r.status = 'registered') as registered,
             (select count(distinct a.user_id)::int from public.event_attendance a where a.event_id = e.id) as attended
        from public.events e
       where e.status = 'scheduled' and e.starts_at < ${now.toISOString()}::timestamptz
       order by e.starts_at desc
       limit ${RECENT_EVENTS}`.execute(tx);
    return rows;
  });
  return {
    name: "webinars",
    columns: [{ key: "admin.dashboard.columns.registered" }, { key: "admin.dashboard.columns.attended" }],
    rows: rows.map((r) => ({ label: { text: r.title, date: r.starts_at }, values: [r.registered, r.attended] })),
    chart: [0, 1],
  };
}

const FIGURES: Record<FigureName, (db: Database, viewer: Viewer, now?: Date) => Promise<Figure>> = {
  "members-total": membersTotalFigure,
  "members-region": membersByRegionFigure,
  "members-discipline": membersByDisciplineFigure,
  queues: queuesFigure,
  moderation: moderationFigure,
  library: libraryFigure,
  mentoring: mentoringFigure,
  webinars: webinarsFigure,
};

export function readFigure(db: Database, viewer: Viewer, name: FigureName, now = new Date()): Promise<Figure> {
  return FIGURES[name](db, viewer, now);
}

/** Every figure, one after the other (each its own read-only transaction; the pool is shared). */
export async function readDashboard(db: Database, viewer: Viewer, now = new Date()): Promise<Figure[]> {
  requireAdmin(viewer);
  const out: Figure[] = [];
  for (const fn of Object.values(FIGURES)) out.push(await fn(db, viewer, now));
  return out;
}
