//go:build tools

// Package tools pins kube-score's module so `go build` compiles the exact upstream release.
package tools

import _ "github.com/zegl/kube-score/cmd/kube-score"
