// A session's room: the pair only (RLS: the session is invisible to anyone else, 404).
// The video needs JavaScript; the page itself, the session's other ways to meet and
// the way back work without it.
import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { requireViewer } from "~/modules/accounts/guards.server";
import { getWorkspace } from "~/modules/mentoring/mentoring.server";
import { videoRoomFor } from "~/modules/video/room.server";
import { VideoRoom } from "~/modules/video/video-room";
import { getAppSecret } from "~/utils/secret.server";
import { useI18n } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = (args) => pageTitle(args, "mentoring.room.title");

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const ids = z.object({ id: z.string().uuid(), sessionId: z.string().uuid() }).safeParse(params);
  const ws = ids.success ? await getWorkspace(context.db, viewer, ids.data.id) : null;
  const session = ws?.sessions.find((s) => s.id === (ids.success ? ids.data.sessionId : ""));
  if (!ws || !session) throw new Response("not_found", { status: 404 });
  const room = await videoRoomFor({
    env: context.env,
    secret: getAppSecret(context.env),
    subject: { scope: "mentoring-session", id: session.id },
    person: { id: viewer.id, name: viewer.displayName },
    moderator: ws.role === "mentor",
  });
  return json({ room, session, pairingId: ws.pairing.id, other: ws.role === "mentor" ? ws.mentee : ws.mentor });
}

export default function SessionRoom() {
  const { t, tx, date } = useI18n();
  const { room, session, pairingId, other } = useLoaderData<typeof loader>();
  const [presence, setPresence] = useState<"joined" | "left" | null>(null);
  return (
    <div className="container stack stack--l">
      <p>
        <Link to={`/mentoring/pairings/${pairingId}#session`}>← {t("mentoring.workspace.title")}</Link>
      </p>
      <header className="page-header stack stack--s">
        <h1>{t("mentoring.room.title")}</h1>
        <p className="lead">{t("mentoring.room.with", { name: other, when: date(session.starts_at, "datetime") })}</p>
      </header>
      {presence ? (
        <p role="status" className="meta">
          {t(presence === "joined" ? "mentoring.room.joined" : "mentoring.room.left")}
        </p>
      ) : null}
      <VideoRoom
        room={room}
        onPresence={(e) => setPresence(e.type)}
        alternatives={
          <ul>
            <li>{t("mentoring.room.phone")}</li>
            <li>
              <Link to="/chat">{t("mentoring.room.chat")}</Link>
            </li>
            <li>{t("mentoring.room.planned", { modality: tx(`mentoring.modalities.${session.modality}`) })}</li>
          </ul>
        }
      />
    </div>
  );
}
