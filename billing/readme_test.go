package billing_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadmeShowsTheUseItExample: the "Use it" code in README.md is the body
// of Example_useIt between its README markers, so the README's sample is
// compiled and run with the tests and never drifts from the API.
func TestReadmeShowsTheUseItExample(t *testing.T) {
	src, err := os.ReadFile("example_readme_test.go")
	require.NoError(t, err)
	body := string(src)
	start := strings.Index(body, "// README:begin\n")
	end := strings.Index(body, "\t// README:end")
	require.True(t, start >= 0 && end > start, "the markers are in example_readme_test.go")
	var want strings.Builder
	for _, line := range strings.Split(body[start+len("// README:begin\n"):end], "\n") {
		want.WriteString(strings.TrimPrefix(line, "\t"))
		want.WriteString("\n")
	}
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	section := string(readme)
	i := strings.Index(section, "## Use it")
	require.GreaterOrEqual(t, i, 0, "README.md has a Use it section")
	section = section[i:]
	open := strings.Index(section, "```go\n")
	require.GreaterOrEqual(t, open, 0)
	section = section[open+len("```go\n"):]
	closing := strings.Index(section, "```")
	require.GreaterOrEqual(t, closing, 0)
	require.Equal(t, strings.TrimSpace(want.String()), strings.TrimSpace(section[:closing]),
		"README.md's Use it block must be the body of Example_useIt between its markers")
}
