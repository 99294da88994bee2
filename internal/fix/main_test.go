package fix

import (
	"io"
	"os"
	"testing"

	"github.com/sirupsen/logrus"
)

func TestMain(m *testing.M) {
	// compose-go logs deprecation warnings through logrus; scan reports
	// what matters.
	logrus.SetOutput(io.Discard)
	os.Exit(m.Run())
}
