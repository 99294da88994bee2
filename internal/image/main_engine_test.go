package image

import (
	"os"
	"testing"

	"github.com/hardhull/hardhull/internal/testengine"
)

func TestMain(m *testing.M) { os.Exit(testengine.Main(m, "image reads from the engine")) }
