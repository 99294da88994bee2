package engine_test

import (
	"os"
	"testing"

	"github.com/hardhull/hardhull/internal/testengine"
)

func TestMain(m *testing.M) { os.Exit(testengine.Main(m, "Docker Engine API client")) }
