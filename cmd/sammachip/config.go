package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Config is the program's configuration, read from the environment.
type Config struct {
	ChannelSecret string
	AccessToken   string
	APIEndpoint   string
	DataEndpoint  string
	Addr          string
	DB            string
	Location      *time.Location
}

// Simulator reports whether the bot runs without a LINE channel.
func (c Config) Simulator() bool { return c.ChannelSecret == "" && c.AccessToken == "" }

// LoadConfig reads and checks the configuration. Every bad value is
// reported, each with what is wrong and what is expected.
func LoadConfig(getenv func(string) string) (Config, error) {
	get := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		ChannelSecret: get("LINE_CHANNEL_SECRET", ""),
		AccessToken:   get("LINE_CHANNEL_ACCESS_TOKEN", ""),
		APIEndpoint:   get("LINE_API_ENDPOINT", "https://api.line.me"),
		DataEndpoint:  get("LINE_DATA_ENDPOINT", "https://api-data.line.me"),
		Addr:          get("SAMMACHIP_ADDR", ":8080"),
		DB:            get("SAMMACHIP_DB", ""),
	}
	var errs []error
	switch {
	case c.ChannelSecret != "" && c.AccessToken == "":
		errs = append(errs, errors.New("LINE_CHANNEL_ACCESS_TOKEN is not set, but LINE_CHANNEL_SECRET is: set both for a real LINE channel, or neither for the simulator"))
	case c.ChannelSecret == "" && c.AccessToken != "":
		errs = append(errs, errors.New("LINE_CHANNEL_SECRET is not set, but LINE_CHANNEL_ACCESS_TOKEN is: set both for a real LINE channel, or neither for the simulator"))
	}
	if c.ChannelSecret != "" {
		if b, err := hex.DecodeString(c.ChannelSecret); err != nil || len(b) != 16 {
			errs = append(errs, errors.New("LINE_CHANNEL_SECRET: expected the 32 hexadecimal characters shown in the LINE Developers console (Basic settings → Channel secret)"))
		}
	}
	for _, e := range []struct{ name, val string }{{"LINE_API_ENDPOINT", c.APIEndpoint}, {"LINE_DATA_ENDPOINT", c.DataEndpoint}} {
		u, err := url.Parse(e.val)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s=%q: expected an absolute http(s) URL such as https://api.line.me", e.name, e.val))
		}
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		errs = append(errs, fmt.Errorf("SAMMACHIP_ADDR=%q: expected host:port, e.g. :8080 or 127.0.0.1:8080", c.Addr))
	}
	tz := get("SAMMACHIP_TZ", "Asia/Bangkok")
	loc, err := time.LoadLocation(tz)
	if err != nil {
		errs = append(errs, fmt.Errorf("SAMMACHIP_TZ=%q: not a known time zone; expected a name such as Asia/Bangkok", tz))
	}
	c.Location = loc
	if c.DB == "" {
		// The simulator keeps its demo data apart from a real channel's.
		c.DB = "sammachip.db"
		if c.Simulator() {
			c.DB = "sammachip-sim.db"
		}
	}
	if len(errs) > 0 {
		var b strings.Builder
		b.WriteString("bad configuration:")
		for _, e := range errs {
			b.WriteString("\n  - " + e.Error())
		}
		return c, errors.New(b.String())
	}
	return c, nil
}
