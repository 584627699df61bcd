package storage

import (
	"crypto/sha256"
	"encoding/hex"
)

// HashKey returns a short, stable pseudonym for a record's key, for error
// texts: many keys are LINE user ids (users, sages, conversations, …), and
// an error may reach a log. It is the same pseudonym bot.HashID gives an
// id, so a storage error about users/<hash> matches the bot's log lines
// about that user.
func HashKey(key string) string {
	if key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("sammachip:" + key))
	return hex.EncodeToString(sum[:6])
}

// recordName names a record in an error text: its bucket and its hashed key.
func recordName(bucket, key string) string { return bucket + "/#" + HashKey(key) }
