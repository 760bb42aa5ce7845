package slackfake

import (
	"context"
	"fmt"
)

// AckTotal returns how many messages the sockets have received so far (acks
// and anything else a client sent), without copying them: cheap enough to
// poll under load.
func (s *Server) AckTotal() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.acks)
}

// WaitAckTotal waits until the sockets have received at least n messages
// and returns how many they have.
func (s *Server) WaitAckTotal(ctx context.Context, n int) (int, error) {
	have := 0
	err := s.waitFor(ctx, func() bool { have = len(s.acks); return have >= n })
	if err != nil {
		return have, fmt.Errorf("wait for %d acks (%d so far): %w", n, have, err)
	}
	return have, nil
}
