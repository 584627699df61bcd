// Package dockercheck holds deploy/check's test of deploy/Dockerfile: no
// Docker engine runs in CI, so the Dockerfile is parsed and linted with
// BuildKit's own parser and linter (the code `docker build` runs), its
// promises (static, non-root, database on a volume) are checked, and the
// build context that deploy/Dockerfile.dockerignore leaves is built with
// the Dockerfile's go build command.
//
// It is a module of its own so that BuildKit stays out of the bot's
// go.mod. Run it with deploy/check, or: cd deploy/dockercheck && go test ./...
package dockercheck
