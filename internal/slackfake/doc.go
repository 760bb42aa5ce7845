// Package slackfake is a fake Slack for end-to-end tests: the Web API over HTTP and Socket Mode
// over a websocket, on 127.0.0.1, close enough to Slack's published protocol that slack-go's
// real clients cannot tell the difference.
//
//	srv := slackfake.New(t)
//	srv.AddUser(slackfake.User{ID: "U1", Name: "alice"})
//	srv.AddChannel(slackfake.Channel{ID: "C1", Name: "general", BotIsMember: true})
//	api := slack.New("xoxb-test", slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken("xapp-test"))
//	client := socketmode.New(api) // run it, then srv.WaitConnected(ctx, 1)
//	id, _ := srv.Send(ctx, slackfake.TypeSlashCommands, srv.SlashCommand("U1", "C1", "hello"))
//	ack, _ := srv.WaitAck(ctx, id)
//
// # Faithful to Slack
//
//   - Socket Mode: apps.connections.open takes the app-level token as a Bearer header and hands
//     out a single-use ws:// URL; each socket gets a hello (num_connections, connection_info,
//     debug_info), websocket pings every ping interval, envelopes in Slack's shape (envelope_id,
//     type, payload, accepts_response_payload, and retry_attempt/retry_reason on events_api),
//     one socket per envelope, round-robin, up to 10 sockets (one more gets a too_many_websockets
//     disconnect); disconnect messages are followed by a close.
//   - Web API: form bodies with token= and JSON bodies with a Bearer token; errors as HTTP 200
//     {"ok":false,"error":…}; rate limits as HTTP 429 with Retry-After in seconds and
//     {"ok":false,"error":"ratelimited"}; 5xx with an HTML body. Response bodies follow the shapes
//     slack-go decodes (and the documented examples under testdata/shapes).
//   - Posting rules: a public channel the bot is not in answers not_in_channel, a private one
//     channel_not_found, an archived one is_archived; a user ID posts in the bot's DM ("D"+ID).
//     An announcement-only channel (Channel.ReadOnly) answers restricted_action_read_only_channel,
//     a thread-only one (ThreadOnly) restricted_action_thread_only_channel; a group DM
//     (IsMpIM) cannot take the bot at all; a deleted channel (DeleteChannel) is channel_not_found.
//     chat.postMessage keeps message metadata, and conversations.history (newest first, oldest,
//     latest, limit, cursor) returns it with include_all_metadata.
//   - Half-succeeded calls: PostThenFailNext and PostThenDropNext let a call take effect, then
//     answer a 5xx or drop the connection, as Slack warns may happen; HoldAnswerNext holds the
//     answer of a call that took effect.
//   - Membership: events come only from conversations the bot is a member of. Send refuses a
//     reaction, message or member event in a channel the bot is not in (ErrBotNotMember), as
//     Slack never sends it. The bot's memberships change as in Slack, each with the event Slack
//     sends the bot: conversations.join (public channels only; member_joined_channel),
//     InviteBot (/invite; member_joined_channel with inviter), RemoveBot (channel_left, or
//     group_left for a private channel). CreateChannel announces a public channel with
//     channel_created. users.conversations lists the bot's channels; Events and WaitEvent
//     show every events_api envelope sent, the fake's own included.
//   - Block Kit limits are checked on messages (invalid_blocks) and views (invalid_arguments),
//     with Slack-style response_metadata.messages, by internal/blockkit (the checker the compose
//     tests use too; its package comment lists every limit and where Slack documents it), in its
//     Lenient mode: block and element types it does not look into pass. Views over 250 kB answer
//     view_too_large.
//   - A trigger_id works once, for 3 s from when the envelope carrying it goes out (then
//     exchanged_trigger_id, expired_trigger_id; one never issued: invalid_trigger_id); a
//     response_url works 5 times. Payload builders issue both, so tests exercise the same rules
//     as production.
//   - File uploads in Slack's current flow (files.go): files.getUploadURLExternal hands out an
//     upload URL on the fake's own host, the bytes are POSTed there (raw or multipart; MethodUpload
//     in Calls and faults), files.completeUploadExternal shares the file in a channel, a DM or a
//     thread, as a message with Files. Uploads records each one with its bytes and alt text.
//   - Scopes (scopes.go): every Web API answer carries X-OAuth-Scopes; the bot token has
//     DefaultBotScopes() (the manifest's) unless WithBotScopes or SetBotScopes say otherwise, and a
//     method whose scope it lacks answers missing_scope with needed and provided (the file methods
//     need files:write).
//
// # Simplified
//
//   - One workspace, one bot. Membership is only the bot's (Channel.BotIsMember): the fake does not
//     track who else is in a channel, so chat.postEphemeral never answers user_not_in_channel,
//     and it sends no member events about other people.
//   - No automatic redelivery of unacked events_api envelopes: a test redelivers with Send and
//     WithRetry (and the same event_id). No 3 s ack deadline is enforced; Ack.Sent and Ack.Received
//     let a test check it.
//   - A response_url post is recorded (Calls("response_url")) but does not change stored messages.
//   - Refusals that depend on a workspace's plan or an organisation's policy (message_limit_exceeded,
//     team_access_not_granted, too_many_members, channel_is_limited_access, …) are not modelled:
//     a test injects them with FailNext.
//   - Rate limits apply only where a test sets them (RateLimitNext, SetRateLimit); there are no
//     tiers. Missing tokens answer invalid_auth (Slack says not_authed); a bot token on
//     apps.connections.open or an app token elsewhere answers not_allowed_token_type.
//   - Methods: apps.connections.open, auth.test, team.info, chat.postMessage, chat.postEphemeral,
//     chat.update, chat.delete, chat.getPermalink, reactions.get, views.open, views.push,
//     views.update, views.publish, users.info, users.list, users.conversations (the bot's own;
//     public and private channels, not DMs), conversations.info, conversations.join,
//     conversations.open (one user), conversations.list, conversations.history,
//     conversations.members (Channel.Members and the bot), files.getUploadURLExternal,
//     files.completeUploadExternal. Anything else answers unknown_method unless a test installs
//     a handler with Handle.
//   - File uploads: an upload URL takes any bytes (no check against the announced length);
//     completing an unknown or not-yet-uploaded file answers file_not_found; thread_ts is not
//     checked against the channel's messages.
package slackfake
