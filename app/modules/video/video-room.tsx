// <VideoRoom>: the one video component (mentoring sessions, events). The loader decides
// (videoRoomFor in room.server.ts); this renders the iframe in the browser only, after
// hydration, from a lazily loaded chunk, so no other page carries the SDK. Without
// video configured it says so and shows `alternatives` (the session's other ways to
// meet), which is also what a person without JavaScript sees next to the notice.
import { lazy, Suspense, useEffect, useState, type ReactNode } from "react";
import { useI18n } from "~/utils/i18n";
import type { VideoPresenceEvent, VideoRoomData } from "./schemas";

const JitsiFrame = lazy(() => import("./jitsi-frame.client"));

export function VideoRoom({
  room,
  onPresence,
  alternatives,
  headingLevel = 2,
}: {
  room: VideoRoomData;
  /** Called when this person's conference is joined or left (attendance). */
  onPresence?: (event: VideoPresenceEvent) => void;
  /** Other ways to meet (phone, chat…), shown when video is unavailable. */
  alternatives?: ReactNode;
  headingLevel?: 2 | 3;
}) {
  const { t, locale } = useI18n();
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const Heading = headingLevel === 2 ? "h2" : "h3";

  if (!room.configured) {
    return (
      <section className="video-room video-room--off card stack stack--s" aria-labelledby="video-room-title" data-video="off">
        <Heading id="video-room-title">{t("video.off.title")}</Heading>
        <p>{t("video.off.body")}</p>
        {alternatives}
      </section>
    );
  }
  return (
    <section className="video-room stack stack--s" aria-labelledby="video-room-title" data-video="on">
      <Heading id="video-room-title">{t("video.on.title")}</Heading>
      {mounted ? (
        <Suspense fallback={<p role="status">{t("video.on.loading")}</p>}>
          <div className="video-room__stage">
            <JitsiFrame room={room} lang={locale.slice(0, 2)} onPresence={onPresence} />
          </div>
        </Suspense>
      ) : (
        <p>{t("video.on.needsScript")}</p>
      )}
      {alternatives}
    </section>
  );
}
