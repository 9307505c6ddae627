//go:build tools

// Package tools pins amtool's module so `go build` compiles the exact upstream release.
package tools

import _ "github.com/prometheus/alertmanager/cmd/amtool"
