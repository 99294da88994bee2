package fix

import (
	"io"
	"os"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/hardhull/hardhull/internal/testengine"
)

func TestMain(m *testing.M) {
	// compose-go logs deprecation warnings through logrus; scan reports
	// what matters.
	logrus.SetOutput(io.Discard)
	os.Exit(testengine.Main(m, "fix --pin-from docker:"))
}
