//go:build tools

// Package tools pins the kwok command this module builds; the build tag keeps it out of any real build.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
