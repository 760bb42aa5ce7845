// The shapes the golden Block Kit files are checked as. Every block, element
// and view type here is Slack's own, from @slack/types; only the envelope of
// a message (the fields around its blocks) is written out by us, from
// Slack's chat.postMessage and slash-command reference.
import type { HomeView, KnownBlock, ModalView } from '@slack/types';

/**
 * A message as the bot sends it: chat.postMessage, chat.postEphemeral and
 * chat.update arguments less channel and user, or the reply a slash
 * command's ack carries (`response_type`). `text` is the notification
 * fallback, always sent.
 */
export interface Message {
  text: string;
  blocks?: KnownBlock[];
  response_type?: 'in_channel' | 'ephemeral';
  replace_original?: boolean;
  delete_original?: boolean;
}

/**
 * Slack's view types take `AnyBlock`, which lets through a block of an
 * unknown type; the bot only sends blocks Slack knows.
 */
type Known<V> = V & { blocks: KnownBlock[] };

/** A modal (views.open, views.update, views.push). */
export type Modal = Known<ModalView>;

/** An App Home tab (views.publish). */
export type Home = Known<HomeView>;

/**
 * The ack of a view_submission: what `response_action` carries
 * (docs.slack.dev, "Handling and responding to interactions", modals).
 */
export type ViewSubmissionAck =
  | { response_action: 'errors'; errors: Record<string, string> }
  | { response_action: 'update' | 'push'; view: Modal }
  | { response_action: 'clear' };

/** A bare list of blocks. */
export type Blocks = KnownBlock[];
