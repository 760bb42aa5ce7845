package compose

// Error is a clear ephemeral error: ":warning: " and msg, escaped. Give it a
// message that is safe to show, such as extramile.ErrorMessage(err); an
// empty msg gives a generic apology.
func Error(msg string) Message {
	if msg == "" {
		msg = "Something went wrong on our side. Please try again in a moment."
	}
	return simple(":warning: " + escapeMax(msg, 2000))
}
