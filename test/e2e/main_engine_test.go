package e2e

import (
	"os"
	"testing"

	"github.com/hardhull/hardhull/internal/testengine"
)

func TestMain(m *testing.M) {
	os.Exit(testengine.Main(m, "init templates built and run on the engine"))
}
