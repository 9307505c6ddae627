//go:build tools

// Package tools pins promtool's module so `go build` compiles the exact upstream release.
package tools

import _ "github.com/prometheus/prometheus/cmd/promtool"
