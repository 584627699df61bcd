//go:build !linux

package main

import "syscall"

// childAttr: only Linux can tie the child's life to this process; elsewhere
// the run's own cleanup stops the bot.
func childAttr() *syscall.SysProcAttr { return nil }
