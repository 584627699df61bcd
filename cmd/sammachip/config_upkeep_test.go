package main

import (
	"strings"
	"testing"

	"github.com/sammachip/sammachip/bot"
)

func TestUpkeepConfig(t *testing.T) {
	real := []string{"LINE_CHANNEL_SECRET", goodSecret, "LINE_CHANNEL_ACCESS_TOKEN", "token"}
	tests := []struct {
		name        string
		env         []string
		compactAt   string
		fallback    bot.ReplyFallback
		errContains string
	}{
		{"defaults", nil, "03:30", bot.FallbackChanges, ""},
		{"set", []string{"SAMMACHIP_COMPACT_AT", "02:15", "SAMMACHIP_REPLY_FALLBACK", "never"}, "02:15", bot.FallbackNever, ""},
		{"compaction off", []string{"SAMMACHIP_COMPACT_AT", "off"}, "", bot.FallbackChanges, ""},
		{"bad time", []string{"SAMMACHIP_COMPACT_AT", "3am"}, "", "", `SAMMACHIP_COMPACT_AT="3am"`},
		{"bad fallback", []string{"SAMMACHIP_REPLY_FALLBACK", "sometimes"}, "", "", `SAMMACHIP_REPLY_FALLBACK="sometimes"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := LoadConfig(env(append(real, tt.env...)...))
			if tt.errContains != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errContains) {
					t.Errorf("got error %v, want one naming %s", err, tt.errContains)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.CompactAt != tt.compactAt || cfg.ReplyFallback != tt.fallback {
				t.Errorf("got compaction at %q and fallback %q, want %q and %q", cfg.CompactAt, cfg.ReplyFallback, tt.compactAt, tt.fallback)
			}
		})
	}
}
