package slackapp

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// Command is a slash command as routed: Slack's payload, with its text
// split into the first word and the rest.
type Command struct {
	slack.SlashCommand
	// Sub is the first word of Text in lower case (a user mention,
	// "<@U123|name>", keeps its case): the subcommand its route names, or
	// the word no route named. "" when Text is blank.
	Sub string
	// Args is the rest of Text, trimmed.
	Args string
}

// Event is an Events API delivery with what de-duplication needs.
type Event struct {
	ID           string // event_id: the same on a redelivery
	RetryAttempt int    // 0 on the first delivery
	Inner        slackevents.EventsAPIInnerEvent
}

// Handlers, one type per kind of route. Command and view handlers run
// before the ack and return what it carries (nil for a plain ack); they get
// a context that ends when the ack is due (Adapter.AckBudget). Action and
// shortcut handlers also run before the ack, which is always plain: they
// answer through the response_url, an ephemeral message or views.open.
// Event handlers run after the ack.
type (
	CommandHandler  func(ctx context.Context, cmd Command) any
	ViewHandler     func(ctx context.Context, cb slack.InteractionCallback) any
	ActionHandler   func(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction)
	ShortcutHandler func(ctx context.Context, cb slack.InteractionCallback)
	EventHandler    func(ctx context.Context, ev Event)
)

// Kind is the kind of a route.
type Kind string

// Kinds of routes, and what their Route.Key holds.
const (
	KindCommand           Kind = "command"            // a slash command typed alone; Key: "/cmd"
	KindSubcommand        Kind = "subcommand"         // its first word; Key: "/cmd word"
	KindUnknownSubcommand Kind = "unknown_subcommand" // a first word no subcommand names; Key: "/cmd"
	KindView              Kind = "view"               // view_submission; Key: the view's callback_id
	KindAction            Kind = "action"             // one action of block_actions; Key: its action_id
	KindShortcut          Kind = "shortcut"           // a global shortcut; Key: its callback_id
	KindMessageAction     Kind = "message_action"     // a message shortcut; Key: its callback_id
	KindEvent             Kind = "event"              // an Events API event; Key: its type
	// KindInteraction is only ever unrouted: an interactive payload of a
	// type no route takes (view_closed, block_suggestion, …); Key: the type.
	KindInteraction Kind = "interaction"
)

// Route names one entry of the route table.
type Route struct {
	Kind Kind
	Key  string
}

// commandRoutes are the routes of one slash command.
type commandRoutes struct {
	alone   CommandHandler
	subs    map[string]CommandHandler
	unknown CommandHandler
}

// Router is the route table: every slash command, subcommand, view
// callback, action ID, shortcut and event type the app answers, each with
// its handler. Register every route before the Adapter runs; registering
// one twice panics, as http.ServeMux does. The zero Router is not ready:
// use NewRouter.
type Router struct {
	// OnUnrouted, when set, hears what arrived that no route takes, in
	// place of the default: a debug log line. It must return quickly.
	OnUnrouted func(ctx context.Context, r Route)

	log            *slog.Logger
	routes         []Route // in the order registered
	commands       map[string]*commandRoutes
	views          map[string]ViewHandler
	actions        map[string]ActionHandler
	shortcuts      map[string]ShortcutHandler
	messageActions map[string]ShortcutHandler
	events         map[string]EventHandler
}

// NewRouter returns an empty route table that logs to logger (nil: nowhere).
func NewRouter(logger *slog.Logger) *Router {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Router{
		log:            logger,
		commands:       map[string]*commandRoutes{},
		views:          map[string]ViewHandler{},
		actions:        map[string]ActionHandler{},
		shortcuts:      map[string]ShortcutHandler{},
		messageActions: map[string]ShortcutHandler{},
		events:         map[string]EventHandler{},
	}
}

// Routes lists the routes registered, in the order they were.
func (r *Router) Routes() []Route { return slices.Clone(r.routes) }

// add records a route, or panics if it is taken or its handler is nil.
func (r *Router) add(rt Route, taken, nilHandler bool) {
	if rt.Key == "" || nilHandler {
		panic(fmt.Sprintf("slackapp: %s route %q: empty key or nil handler", rt.Kind, rt.Key))
	}
	if taken {
		panic(fmt.Sprintf("slackapp: two routes for %s %q", rt.Kind, rt.Key))
	}
	r.routes = append(r.routes, rt)
}

// register adds h to table under key, as a route of kind.
func register[H any](r *Router, table map[string]H, kind Kind, key string, h H, isNil bool) {
	_, taken := table[key]
	r.add(Route{kind, key}, taken, isNil)
	table[key] = h
}

// routesOf returns the routes of the slash command name, made on first use.
func (r *Router) routesOf(name string) *commandRoutes {
	c := r.commands[name]
	if c == nil {
		c = &commandRoutes{subs: map[string]CommandHandler{}}
		r.commands[name] = c
	}
	return c
}

// Command routes the slash command name ("/extramile") to h when it is
// typed alone, and, when name has no Subcommand or UnknownSubcommand route,
// whatever follows it.
func (r *Router) Command(name string, h CommandHandler) {
	c := r.routesOf(name)
	r.add(Route{KindCommand, name}, c.alone != nil, h == nil)
	c.alone = h
}

// Subcommand routes the slash command name whose first word is word (in
// lower case; matched whatever its case) to h. The handler finds the
// rest of the text in Command.Args.
func (r *Router) Subcommand(name, word string, h CommandHandler) {
	if word == "" || word != strings.ToLower(word) || strings.ContainsAny(word, commandSpace) {
		panic(fmt.Sprintf("slackapp: subcommand %q of %s: one word, in lower case", word, name))
	}
	c := r.routesOf(name)
	_, taken := c.subs[word]
	r.add(Route{KindSubcommand, name + " " + word}, taken, h == nil)
	c.subs[word] = h
}

// UnknownSubcommand routes the slash command name whose first word no
// Subcommand route names to h.
func (r *Router) UnknownSubcommand(name string, h CommandHandler) {
	c := r.routesOf(name)
	r.add(Route{KindUnknownSubcommand, name}, c.unknown != nil, h == nil)
	c.unknown = h
}

// View routes the view_submission of views whose callback_id is
// callbackID to h.
func (r *Router) View(callbackID string, h ViewHandler) {
	register(r, r.views, KindView, callbackID, h, h == nil)
}

// Action routes the block_actions action whose action_id is actionID to h
// (a button, a menu). A payload carrying several actions calls the handler
// of each, in order.
func (r *Router) Action(actionID string, h ActionHandler) {
	register(r, r.actions, KindAction, actionID, h, h == nil)
}

// Shortcut routes the global shortcut whose callback_id is callbackID (an
// interactive payload of type "shortcut") to h.
func (r *Router) Shortcut(callbackID string, h ShortcutHandler) {
	register(r, r.shortcuts, KindShortcut, callbackID, h, h == nil)
}

// MessageAction routes the message shortcut whose callback_id is
// callbackID (an interactive payload of type "message_action", carrying
// the message) to h.
func (r *Router) MessageAction(callbackID string, h ShortcutHandler) {
	register(r, r.messageActions, KindMessageAction, callbackID, h, h == nil)
}

// Event routes Events API events of type eventType ("reaction_added") to h.
// On does the same with the event's data typed.
func (r *Router) Event(eventType string, h EventHandler) {
	register(r, r.events, KindEvent, eventType, h, h == nil)
}

// On routes Events API events of type eventType to h, with the event's
// data as slack-go parses it: T is the pointer type slackevents gives that
// event (*slackevents.ReactionAddedEvent for "reaction_added"). It panics
// when slack-go parses no event of that type, or parses it into another
// type than T, so a typo stops the program at its start.
func On[T any](r *Router, eventType string, h func(ctx context.Context, ev Event, data T)) {
	want := reflect.TypeFor[T]()
	v, ok := slackevents.EventsAPIInnerEventMapping[slackevents.EventsAPIType(eventType)]
	if !ok {
		v, ok = slack.EventMapping[eventType] // slack-go's fallback (parsers.go, eventsMap)
	}
	switch {
	case !ok:
		panic(fmt.Sprintf("slackapp: slack-go parses no event of type %q", eventType))
	case reflect.PointerTo(reflect.TypeOf(v)) != want:
		panic(fmt.Sprintf("slackapp: slack-go parses %q into *%T, not %v", eventType, v, want))
	}
	var handle EventHandler
	if h != nil {
		handle = func(ctx context.Context, ev Event) {
			if data, ok := ev.Inner.Data.(T); ok {
				h(ctx, ev, data)
			}
		}
	}
	r.Event(eventType, handle)
}

// unrouted reports what no route takes.
func (r *Router) unrouted(ctx context.Context, rt Route) {
	if r.OnUnrouted != nil {
		r.OnUnrouted(ctx, rt)
		return
	}
	r.log.Debug("nothing routed: ignored", "kind", rt.Kind, "key", rt.Key)
}

// DispatchCommand answers a slash command with the handler its route
// names; what it returns is the ack's payload (nil when unrouted).
func (r *Router) DispatchCommand(ctx context.Context, sc slack.SlashCommand) any {
	cmd := Command{SlashCommand: sc}
	cmd.Sub, cmd.Args = splitCommand(sc.Text)
	h, rt := r.commandHandler(cmd)
	if h == nil {
		r.unrouted(ctx, rt)
		return nil
	}
	return h(ctx, cmd)
}

// commandHandler finds the handler of cmd: its subcommand's, else the
// command's for unknown words, else the command's own. When there is none
// it returns the route that is missing.
func (r *Router) commandHandler(cmd Command) (CommandHandler, Route) {
	c := r.commands[cmd.Command]
	switch {
	case c == nil || cmd.Sub == "":
	case c.subs[cmd.Sub] != nil:
		return c.subs[cmd.Sub], Route{}
	case c.unknown != nil:
		return c.unknown, Route{}
	case len(c.subs) > 0:
		return nil, Route{KindSubcommand, cmd.Command + " " + cmd.Sub}
	}
	if c == nil || c.alone == nil {
		return nil, Route{KindCommand, cmd.Command}
	}
	return c.alone, Route{}
}

// DispatchInteraction answers an interactive payload with the handlers its
// routes name; what it returns is the ack's payload (nil but for a routed
// view submission's).
func (r *Router) DispatchInteraction(ctx context.Context, cb slack.InteractionCallback) any {
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		if h := r.views[cb.View.CallbackID]; h != nil {
			return h(ctx, cb)
		}
		r.unrouted(ctx, Route{KindView, cb.View.CallbackID})
	case slack.InteractionTypeBlockActions:
		for _, a := range cb.ActionCallback.BlockActions {
			if h := r.actions[a.ActionID]; h != nil {
				h(ctx, cb, a)
			} else {
				r.unrouted(ctx, Route{KindAction, a.ActionID})
			}
		}
	case slack.InteractionTypeShortcut:
		r.shortcut(ctx, KindShortcut, r.shortcuts[cb.CallbackID], cb)
	case slack.InteractionTypeMessageAction:
		r.shortcut(ctx, KindMessageAction, r.messageActions[cb.CallbackID], cb)
	default:
		r.unrouted(ctx, Route{KindInteraction, string(cb.Type)})
	}
	return nil
}

func (r *Router) shortcut(ctx context.Context, kind Kind, h ShortcutHandler, cb slack.InteractionCallback) {
	if h == nil {
		r.unrouted(ctx, Route{kind, cb.CallbackID})
		return
	}
	h(ctx, cb)
}

// DispatchEvent handles an Events API event, after its ack, with the
// handler its route names.
func (r *Router) DispatchEvent(ctx context.Context, ev Event) {
	if h := r.events[ev.Inner.Type]; h != nil {
		h(ctx, ev)
		return
	}
	r.unrouted(ctx, Route{KindEvent, ev.Inner.Type})
}

// splitCommand returns the first word (lowercased unless it is a mention)
// and the rest of the text.
func splitCommand(text string) (sub, rest string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", ""
	}
	i := strings.IndexAny(text, commandSpace)
	if i < 0 {
		i = len(text)
	}
	sub, rest = text[:i], strings.TrimSpace(text[i:])
	if !strings.HasPrefix(sub, "<@") {
		sub = strings.ToLower(sub)
	}
	return sub, rest
}

// commandSpace are the characters that end a command's first word.
const commandSpace = " \t\n"
