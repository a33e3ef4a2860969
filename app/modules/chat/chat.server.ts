// Chat: conversations (direct, group, channel) and their members, messages, threads,
// reactions, read positions, reports and moderation. Shared by the HTTP routes
// (pages and forms that work without JavaScript) and the socket handlers
// (server/realtime/chat.ts). Every function acts with the claims of the person
// asking: RLS is the wall, the checks here give clear answers ({ ok: false, error }).
//
// The public surface of the chat capability: routes, the socket handlers and other
// modules import from this file only. The code lives beside it, along its headers:
// conversations, messages, moderation, presence (and the refusals and message views
// they share).
export { CHAT_ERROR_STATUS, chatRefused, type ChatRefused, type ChatResult } from "./refusals.server";
export { namesOf } from "./views.server";
export {
  addRoomMemberAsSystem,
  connectionState,
  conversationRoom,
  createConversation,
  createRoomChannelAsSystem,
  directKey,
  findPeople,
  getChatSummary,
  getConversation,
  getConversationPage,
  getHeaderBadges,
  getHistory,
  inviteMembers,
  isConversationMember,
  joinChannel,
  listConversations,
  listPublicChannels,
  MEMBERS_SHOWN,
  myConversationIds,
  openDirectConversation,
  removeMember,
  renameConversation,
  SYNC_OVERLAP_SECONDS,
  syncConversation,
  type ConversationMember,
  type ConversationSummary,
  type ConversationView,
} from "./conversations.server";
export { deleteMessage, editMessage, markRead, reactToMessage, sendMessage, type ReadOutcome, type Sent } from "./messages.server";
export { listMessageOverrides, listOpenReports, reportMessage, resolveReport } from "./moderation.server";
export { getChatSettings, presenceVisibleAmong, setPresenceVisible, touchLastSeen } from "./presence.server";
