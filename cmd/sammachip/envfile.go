package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
)

// withEnvFile returns getenv extended with the settings file named by
// SAMMACHIP_ENV_FILE, when set: the officers' tools on a systemd server run
// through an alias that names /etc/sammachip/sammachip.env, so that they see
// the same LINE token and settings as the bot (systemd gives them to the
// bot only). A variable set (non-empty) in the environment wins over the
// file, as with `env NAME=value`. The file has systemd's EnvironmentFile
// format as far as the example uses it: NAME=value lines, # comments,
// optional quotes around a value.
func withEnvFile(getenv func(string) string) (func(string) string, error) {
	path := strings.TrimSpace(getenv("SAMMACHIP_ENV_FILE"))
	if path == "" {
		return getenv, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("SAMMACHIP_ENV_FILE=%s: %w (the settings file must be readable by the user the tools "+
			"run as: install it with mode 0640, group sammachip, as deploy/README.md says)", path, err)
	}
	file, err := parseEnvFile(data)
	if err != nil {
		return nil, fmt.Errorf("SAMMACHIP_ENV_FILE=%s: %w", path, err)
	}
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return file[k]
	}, nil
}

// parseEnvFile reads NAME=value lines; a line that is neither that, blank
// nor a comment is an error naming its number (never its text: it may
// hold a secret).
func parseEnvFile(data []byte) (map[string]string, error) {
	vars := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		name, value, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t\"'") {
			return nil, fmt.Errorf("line %d: expected NAME=value", n)
		}
		value = strings.TrimSpace(value)
		if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
			value = value[1 : len(value)-1]
		}
		vars[name] = value
	}
	return vars, sc.Err()
}
