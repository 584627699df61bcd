package main

import (
	"encoding/json"
	"log/slog"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/storage"
)

// checkRecord decodes one stored record as the program will read it, for
// restores and backup checks (storage.Options.CheckRecord): the domain's
// records as flows reads them, the inbox's and the outbox's as bot does.
func checkRecord(bucket string, key, value []byte) error {
	if err := flows.DecodeRecord(bucket, string(key), value); err != nil {
		return err
	}
	switch bucket {
	case flows.BucketInbox, flows.BucketDeadLetter:
		return json.Unmarshal(value, new(bot.InboxRecord))
	case flows.BucketOutbox, flows.BucketSendFailed:
		return json.Unmarshal(value, new(bot.OutboxRecord))
	}
	return nil
}

// storageOptions are what every open, check and restore of the database
// uses. A server (log set) also waits for a restore in progress to finish,
// up to cfg.RestoreWait; a command-line tool fails at once.
func storageOptions(cfg Config, log *slog.Logger) storage.Options {
	opt := storage.Options{CheckRecord: checkRecord}
	if log != nil {
		opt.RestoreWait, opt.Log = cfg.RestoreWait, log
		// The error names the bucket and a hashed key, never the key.
		opt.OnUnreadable = func(err error) { log.Warn("skipped a stored record that cannot be read", "err", err.Error()) }
	}
	return opt
}
