package main

import "syscall"

// childAttr makes the bot die with this tool: a run interrupted in any way
// leaves no bot behind holding the database and the port.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
