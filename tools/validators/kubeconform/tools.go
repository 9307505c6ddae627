//go:build tools

// Package tools pins kubeconform's module so `go build` compiles the exact upstream release.
package tools

import _ "github.com/yannh/kubeconform/cmd/kubeconform"
