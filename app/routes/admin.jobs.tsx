import { parseWithZod } from "@conform-to/zod";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { requireRole, requireViewer } from "~/modules/accounts/guards.server";
import { getJobsOverview, type JobListItem } from "~/modules/jobs/admin.server";
import { isJobError } from "~/modules/jobs/queue.server";
import { jobActionSchema } from "~/modules/jobs/schemas";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = (args) => pageTitle(args, "admin.jobs.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "admin");
  return json({ overview: await getJobsOverview(context.db) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  requireRole(viewer, "admin");
  const submission = parseWithZod(await request.formData(), { schema: jobActionSchema });
  if (submission.status !== "success")
    return json({ ok: false as const, result: submission.reply(), message: "errors.invalid", jobId: null }, { status: 400 });
  const { intent, jobId } = submission.value;
  try {
    if (intent === "retry") await context.jobs.retry(jobId);
    else await context.jobs.cancel(jobId);
  } catch (error) {
    if (!isJobError(error)) throw error;
    return json(
      {
        ok: false as const,
        result: submission.reply({ formErrors: [`admin.jobs.refused.${error.code}`] }),
        message: `admin.jobs.refused.${error.code}`,
        jobId,
      },
      { status: 400 },
    );
  }
  context.logger.info({ jobId, intent, by: viewer.claims.sub }, "admin: job changed");
  return json({
    ok: true as const,
    result: submission.reply(),
    message: intent === "retry" ? "admin.jobs.retried" : "admin.jobs.cancelled",
    jobId,
  });
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

// Wide tables scroll sideways on a phone: each wrapper is a labelled, focusable
// region so a keyboard can scroll it (WCAG 2.1.1).
export default function AdminJobs() {
  const { t, tx, date } = useI18n();
  const { overview } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const actionButtons = (job: JobListItem) => (
    <div className="cluster">
      {job.state === "failed" ? (
        <Form method="post">
          <input type="hidden" name="jobId" value={job.id} />
          <button
            type="submit"
            name="intent"
            value="retry"
            className="btn btn--secondary btn--small"
            aria-label={tx("admin.jobs.retryLabel", { id: job.id })}
          >
            {t("admin.jobs.retry")}
          </button>
        </Form>
      ) : null}
      <Form method="post">
        <input type="hidden" name="jobId" value={job.id} />
        <button
          type="submit"
          name="intent"
          value="cancel"
          className="btn btn--danger btn--small"
          aria-label={tx("admin.jobs.cancelLabel", { id: job.id })}
        >
          {t("admin.jobs.cancel")}
        </button>
      </Form>
    </div>
  );
  return (
    <div className="container stack stack--l">
      <p>
        <Link to="/admin">← {t("admin.back")}</Link>
      </p>
      <header className="page-header stack">
        <h1>{t("admin.jobs.title")}</h1>
        <p>{t("admin.jobs.lead")}</p>
      </header>
      {outcome ? (
        <div role={outcome.ok ? "status" : "alert"} className={outcome.ok ? "alert alert--success" : "alert alert--error"}>
          <p>{tx(outcome.message, { id: outcome.jobId ?? "" })}</p>
        </div>
      ) : null}
      <section className="stack" aria-labelledby="jobs-status">
        <h2 id="jobs-status" className="section-title">
          {t("admin.jobs.status")}
        </h2>
        <dl className="cluster" data-testid="jobs-counts">
          {(["queued", "running", "failed", "succeeded", "cancelled"] as const).map((state) => (
            <div key={state} className="stack stack--s">
              <dt>{tx(`admin.jobs.states.${state}`)}</dt>
              <dd>{overview.counts[state]}</dd>
            </div>
          ))}
          <div className="stack stack--s">
            <dt>{t("admin.jobs.lag")}</dt>
            <dd>{tx("admin.jobs.seconds", { count: seconds(overview.lagMs) })}</dd>
          </div>
        </dl>
      </section>

      <JobsTable
        id="jobs-failed"
        title={t("admin.jobs.failed")}
        columns={[
          t("admin.jobs.id"),
          t("admin.jobs.type"),
          t("admin.jobs.attempts"),
          t("admin.jobs.lastError"),
          t("admin.jobs.finished"),
          t("admin.jobs.actions"),
        ]}
        empty={t("admin.jobs.noFailed")}
      >
        {overview.failed.map((job) => (
          <tr key={job.id}>
            <th scope="row">{job.id}</th>
            <td>
              <code>{job.type}</code>
            </td>
            <td>
              {job.attempts} / {job.maxAttempts}
            </td>
            <td>
              <code>{job.lastError ?? "—"}</code>
            </td>
            <td>{job.finishedAt ? date(job.finishedAt, "datetime") : "—"}</td>
            <td>{actionButtons(job)}</td>
          </tr>
        ))}
      </JobsTable>

      <JobsTable
        id="jobs-running"
        title={t("admin.jobs.running")}
        columns={[t("admin.jobs.id"), t("admin.jobs.type"), t("admin.jobs.attempts"), t("admin.jobs.worker"), t("admin.jobs.leaseUntil")]}
        empty={t("admin.jobs.noRunning")}
      >
        {overview.running.map((job) => (
          <tr key={job.id}>
            <th scope="row">{job.id}</th>
            <td>
              <code>{job.type}</code>
            </td>
            <td>
              {job.attempts} / {job.maxAttempts}
            </td>
            <td>
              <code>{job.lockedBy ?? "—"}</code>
            </td>
            <td>{job.lockedUntil ? date(job.lockedUntil, "datetime") : "—"}</td>
          </tr>
        ))}
      </JobsTable>

      <JobsTable
        id="jobs-queued"
        title={t("admin.jobs.queued")}
        columns={[
          t("admin.jobs.id"),
          t("admin.jobs.type"),
          t("admin.jobs.runAt"),
          t("admin.jobs.attempts"),
          t("admin.jobs.lastError"),
          t("admin.jobs.actions"),
        ]}
        empty={t("admin.jobs.noQueued")}
      >
        {overview.queued.map((job) => (
          <tr key={job.id}>
            <th scope="row">{job.id}</th>
            <td>
              <code>{job.type}</code>
            </td>
            <td>{date(job.runAt, "datetime")}</td>
            <td>
              {job.attempts} / {job.maxAttempts}
            </td>
            <td>
              <code>{job.lastError ?? "—"}</code>
            </td>
            <td>{actionButtons(job)}</td>
          </tr>
        ))}
      </JobsTable>

      <JobsTable
        id="jobs-runs"
        title={t("admin.jobs.runs")}
        columns={[
          t("admin.jobs.id"),
          t("admin.jobs.type"),
          t("admin.jobs.attempt"),
          t("admin.jobs.started"),
          t("admin.jobs.outcome"),
          t("admin.jobs.lastError"),
        ]}
        empty={t("admin.jobs.noRuns")}
      >
        {overview.runs.map((run) => (
          <tr key={run.id}>
            <th scope="row">{run.jobId}</th>
            <td>
              <code>{run.type}</code>
            </td>
            <td>{run.attempt}</td>
            <td>{date(run.startedAt, "datetime")}</td>
            <td>{tx(`admin.jobs.outcomes.${run.outcome ?? "running"}`)}</td>
            <td>
              <code>{run.error ?? "—"}</code>
            </td>
          </tr>
        ))}
      </JobsTable>

      <JobsTable
        id="jobs-schedules"
        title={t("admin.jobs.schedules")}
        columns={[t("admin.jobs.scheduleName"), t("admin.jobs.cron"), t("admin.jobs.nextRun")]}
      >
        {overview.schedules.map((s) => (
          <tr key={s.name}>
            <th scope="row">
              <code>{s.name}</code>
            </th>
            <td>
              <code>{s.cron}</code>
            </td>
            <td>{date(s.nextRunAt, "datetime")}</td>
          </tr>
        ))}
      </JobsTable>
    </div>
  );
}

/**
 * One section of the page: its heading names the scrollable table region (keyboard
 * reachable on a phone); without rows, a sentence saying so instead of an empty table.
 */
function JobsTable({
  id,
  title,
  columns,
  empty,
  children,
}: {
  id: string;
  title: string;
  columns: string[];
  empty?: string;
  children: ReactNode[];
}) {
  return (
    <section className="stack" aria-labelledby={id}>
      <h2 id={id} className="section-title">
        {title}
      </h2>
      {children.length || empty === undefined ? (
        <TableRegion labelledBy={id}>
          <table className="table">
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>{children}</tbody>
          </table>
        </TableRegion>
      ) : (
        <p className="empty-state">{empty}</p>
      )}
    </section>
  );
}
