// The Jitsi iframe itself, in its own chunk: @jitsi/react-sdk (and the external API
// script it loads from JITSI_DOMAIN) reaches the browser only when a room page mounts
// <VideoRoom> with video configured. The SDK uses window.JitsiMeetExternalAPI when it
// already exists, which is how tests install a fake one.
import { JitsiMeeting } from "@jitsi/react-sdk";
import { useEffect, useRef } from "react";
import type { VideoPresenceEvent, VideoRoomData } from "./schemas";

type Api = Parameters<NonNullable<Parameters<typeof JitsiMeeting>[0]["onApiReady"]>>[0];

export default function JitsiFrame({
  room,
  lang,
  onPresence,
}: {
  room: Extract<VideoRoomData, { configured: true }>;
  lang: string;
  onPresence?: (event: VideoPresenceEvent) => void;
}) {
  // The latest callback, so a re-render of the page never re-creates the conference.
  const report = useRef(onPresence);
  report.current = onPresence;
  const api = useRef<Api | null>(null);
  const joined = useRef(false);

  useEffect(
    () => () => {
      // Leaving the page leaves the conference: the SDK does not dispose on unmount.
      if (joined.current) report.current?.({ type: "left", at: new Date() });
      joined.current = false;
      api.current?.dispose();
      api.current = null;
    },
    [],
  );

  return (
    <JitsiMeeting
      domain={room.domain}
      roomName={room.roomName}
      jwt={room.jwt}
      lang={lang}
      userInfo={{ displayName: room.displayName, email: "" }}
      configOverwrite={{ disableDeepLinking: true, prejoinConfig: { enabled: true } }}
      interfaceConfigOverwrite={{ SHOW_JITSI_WATERMARK: false }}
      getIFrameRef={(node) => node.classList.add("video-room__frame")}
      onApiReady={(external) => {
        api.current = external;
        external.addListener("videoConferenceJoined", () => {
          joined.current = true;
          report.current?.({ type: "joined", at: new Date() });
        });
        external.addListener("videoConferenceLeft", () => {
          if (!joined.current) return;
          joined.current = false;
          report.current?.({ type: "left", at: new Date() });
        });
      }}
    />
  );
}
