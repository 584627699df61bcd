package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/sammachip/sammachip/bot"
)

// loadUpkeep reads the settings of the database's nightly compaction and
// of answers that fall back to a push (SAMMACHIP_COMPACT_AT,
// SAMMACHIP_REPLY_FALLBACK) into c, and returns what is wrong with them.
func (c *Config) loadUpkeep(get func(k, def string) string) []error {
	var errs []error
	switch v := get("SAMMACHIP_COMPACT_AT", "03:30"); strings.ToLower(v) {
	case "off":
		c.CompactAt = ""
	default:
		if _, err := time.Parse("15:04", v); err != nil {
			errs = append(errs, fmt.Errorf("SAMMACHIP_COMPACT_AT=%q: expected a time of day as HH:MM (a quiet hour, e.g. 03:30), or off", v))
		}
		c.CompactAt = v
	}
	switch v := bot.ReplyFallback(strings.ToLower(get("SAMMACHIP_REPLY_FALLBACK", string(bot.FallbackChanges)))); v {
	case bot.FallbackChanges, bot.FallbackAlways, bot.FallbackNever:
		c.ReplyFallback = v
	default:
		errs = append(errs, fmt.Errorf("SAMMACHIP_REPLY_FALLBACK=%q: expected changes (push an answer that changed data when its reply surely failed), always, or never", v))
	}
	return errs
}
