package scan

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hardhull/hardhull/internal/finding"
	"github.com/hardhull/hardhull/internal/rules"
)

// An equivalent claimed in the catalogue (`Equivalents:`) is a promise to
// users migrating from another tool: the hardhull rule fires exactly where
// that tool's own test suite expects a finding, and the tool's inline
// ignores suppress it. This file holds those test suites' inputs,
// transcribed as Dockerfile/compose text, and runs each through the real
// scan pipeline.
//
// Transcription notes, which apply to every table below:
//   - hadolint specs lint fragments; hardhull needs a FROM, so a fragment
//     without one gets a neutral `FROM debian:12-slim` line (frag).
//     hadolint's `onBuildRuleCatches` variants (the same RUN wrapped in
//     ONBUILD) are not transcribed: ONBUILD triggers run in some other
//     image's build, and hardhull judges the image this Dockerfile builds.
//   - Trivy's rego tests feed a JSON model of the Dockerfile ("Stages",
//     "Commands"); each is written back as the Dockerfile that produces
//     that model. Trivy's examples (checks/docker/*.yaml) and its
//     integration testdata (test/testdata/dockerfile/DSxxx) are
//     Dockerfiles already.
//   - A case whose input no Dockerfile can express, or that BuildKit
//     rejects, is kept with skip set to the reason, so the count of
//     upstream cases stays honest.

// equivCase is one upstream test case.
type equivCase struct {
	tool, id string
	// source is the upstream file and test name the input comes from.
	source string
	// dockerfile is the Dockerfile text; files, when set, is a whole
	// project (compose cases).
	dockerfile string
	files      map[string]string
	// fires is what the upstream test expects: a finding for id.
	fires bool
	skip  string
}

func frag(s string) string { return "FROM debian:12-slim\n" + s + "\n" }

// composeFile is a project holding only a compose file (KICS compose tests).
func composeFile(s string) map[string]string { return map[string]string{"compose.yaml": s} }

const (
	hadolintSpec = "hadolint test/Hadolint/Rule/"
	trivyRego    = "trivy-checks checks/docker/"
	trivyData    = "trivy test/testdata/dockerfile/"
	checkovTests = "checkov tests/dockerfile/checks/"
	kicsQueries  = "kics assets/queries/dockerfile/"
	kicsCompose  = "kics assets/queries/dockerCompose/"

	// KICS names queries by UUID (metadata.json "id").
	kicsPort22      = "5907595b-5b6d-4142-b173-dbb0e73fbff8" // exposing_port_22
	kicsHealthcheck = "b03a748a-542d-44f4-bb86-9199ab4fd2d5" // healthcheck_instruction_missing
	kicsLatest      = "f45ea400-6bbe-4501-9fc7-1c3d75c32067" // image_version_using_latest
	kicsNotExplicit = "9efb0b2d-89c9-41a3-91ca-dcc0aec911fd" // image_version_not_explicit
	kicsPrivileged  = "ae5b6871-7f45-42e0-bb4c-ab300c4d2026" // dockerCompose privileged_containers_enabled
	kicsDockerSock  = "d6355c88-1e8d-49e9-b2f2-f8a1ca12c75b" // dockerCompose docker_socket_mounted_in_container
	kicsNoNewPrivs  = "27fcc7d6-c49b-46e0-98f1-6c082a6a2750" // dockerCompose no_new_privileges_not_set
	kicsHostPID     = "4f31dd9f-2cc3-4751-9b53-67e4af83dac0" // dockerCompose host_namespace_is_shared
	kicsHostIPC     = "baa3890f-bed7-46f5-ab8f-1da8fc91c729" // dockerCompose shared_host_ipc_namespace
	kicsHostUserNS  = "8af7162d-6c98-482f-868e-0d33fb675ca8" // dockerCompose shared_host_user_namespace
	kicsAdd         = "9513a694-aa0d-41d8-be61-3271e056f36b" // add_instead_of_copy
	kicsJSONCmd     = "b86987e1-6397-4619-81d5-8807f2387c79" // not_using_json_in_cmd_and_entrypoint_arguments
	kicsAptLists    = "df746b39-6564-4fed-bf85-e9c44382303c" // apt_get_install_lists_were_not_deleted
	kicsPipCache    = "f2f903fb-b977-461e-98d7-b3e2185c6118" // pip_install_keeping_cached_packages
	kicsCapsOpen    = "ce76b7d0-9e77-464d-b86f-c5c48e03e22d" // dockerCompose container_capabilities_unrestricted (formerly check_cap_add_cap_drop)
	kicsHostNet     = "071a71ff-f868-47a4-ac0b-3c59e4ab5443" // dockerCompose shared_host_network_namespace (formerly network_mode_host_exists)
	kicsPyApp       = "RUN apk add --update py2-pip\nRUN pip install --upgrade pip\nCOPY requirements.txt /usr/src/app/\nRUN pip install --no-cache-dir -r /usr/src/app/requirements.txt\nCOPY app.py /usr/src/app/\nCOPY templates/index.html /usr/src/app/templates/\n"
	kicsPyAppLower  = "run apk add --update py2-pip\nrun pip install --upgrade pip\ncopy requirements.txt /usr/src/app/\nrun pip install --no-cache-dir -r /usr/src/app/requirements.txt\ncopy app.py /usr/src/app/\ncopy templates/index.html /usr/src/app/templates/\n"
)

var equivCases = []equivCase{
	// --- hadolint DL3006 (untagged FROM) -> DF002.
	{tool: "hadolint", id: "DL3006", source: hadolintSpec + "DL3006Spec.hs: no untagged", dockerfile: "FROM debian\n", fires: true},
	{tool: "hadolint", id: "DL3006", source: hadolintSpec + "DL3006Spec.hs: no untagged with name", dockerfile: "FROM debian AS builder\n", fires: true},
	{tool: "hadolint", id: "DL3006", source: hadolintSpec + "DL3006Spec.hs: untagged digest is not an error", dockerfile: "FROM ruby@sha256:f1dbca0f5dbc9\n", fires: false},
	{tool: "hadolint", id: "DL3006", source: hadolintSpec + "DL3006Spec.hs: untagged digest is not an error (ruby:2)", dockerfile: "FROM ruby:2\n", fires: false},
	{tool: "hadolint", id: "DL3006", source: hadolintSpec + "DL3006Spec.hs: using args is not an error", dockerfile: "FROM ${VALUE}\n", fires: false},
	{tool: "hadolint", id: "DL3006", source: hadolintSpec + "DL3006Spec.hs: local aliases are OK to be untagged", dockerfile: "FROM golang:1.9.3-alpine3.7 AS build\nRUN foo\nFROM build as unit-test\nRUN bar\nFROM alpine:3.7\nRUN baz\n", fires: false},
	{tool: "hadolint", id: "DL3006", source: hadolintSpec + "DL3006Spec.hs: other untagged cases are not ok", dockerfile: "FROM golang:1.9.3-alpine3.7 AS build\nRUN foo\nFROM node as unit-test\nRUN bar\nFROM alpine:3.7\nRUN baz\n", fires: true},
	{tool: "hadolint", id: "DL3006", source: hadolintSpec + "DL3006Spec.hs: scratch", dockerfile: "FROM scratch\n", fires: false},

	// --- hadolint DL3007 (FROM ...:latest) -> DF003.
	{tool: "hadolint", id: "DL3007", source: hadolintSpec + "DL3007Spec.hs: explicit latest", dockerfile: "FROM debian:latest\n", fires: true},
	{tool: "hadolint", id: "DL3007", source: hadolintSpec + "DL3007Spec.hs: explicit latest with name", dockerfile: "FROM debian:latest AS builder\n", fires: true},
	{tool: "hadolint", id: "DL3007", source: hadolintSpec + "DL3007Spec.hs: explicit tagged", dockerfile: "FROM debian:jessie\n", fires: false},
	{tool: "hadolint", id: "DL3007", source: hadolintSpec + "DL3007Spec.hs: explicit SHA", dockerfile: "FROM hub.docker.io/debian@sha256:7959ed6f7e35f8b1aaa06d1d8259d4ee25aa85a086d5c125480c333183f9deeb\n", fires: false},
	{tool: "hadolint", id: "DL3007", source: hadolintSpec + "DL3007Spec.hs: explicit tagged and SHA", dockerfile: "FROM hub.docker.io/debian:latest@sha256:7959ed6f7e35f8b1aaa06d1d8259d4ee25aa85a086d5c125480c333183f9deeb\n", fires: false},
	{tool: "hadolint", id: "DL3007", source: hadolintSpec + "DL3007Spec.hs: explicit tagged with name", dockerfile: "FROM debian:jessie AS builder\n", fires: false},

	// --- hadolint DL3009 (apt lists not deleted) -> DF015. Both judge the
	// stages that end up in the image (the last stage and the stages it
	// builds FROM), not an unused intermediate stage.
	{tool: "hadolint", id: "DL3009", source: hadolintSpec + "DL3009Spec.hs: apt-get no cleanup", dockerfile: "FROM scratch\nRUN apt-get update && apt-get install python\n", fires: true},
	{tool: "hadolint", id: "DL3009", source: hadolintSpec + "DL3009Spec.hs: apt-get cleanup in stage image", dockerfile: "FROM ubuntu as foo\nRUN apt-get update && apt-get install python\nFROM scratch\nRUN echo hey!\n", fires: false},
	{tool: "hadolint", id: "DL3009", source: hadolintSpec + "DL3009Spec.hs: apt-get no cleanup in last stage", dockerfile: "FROM ubuntu as foo\nRUN hey!\nFROM scratch\nRUN apt-get update && apt-get install python\n", fires: true},
	{tool: "hadolint", id: "DL3009", source: hadolintSpec + "DL3009Spec.hs: apt-get no cleanup in intermediate stage", dockerfile: "FROM ubuntu as foo\nRUN apt-get update && apt-get install python\nFROM foo\nRUN hey!\n", fires: true},
	{tool: "hadolint", id: "DL3009", source: hadolintSpec + "DL3009Spec.hs: no warn apt-get cleanup in intermediate stage that cleans lists", dockerfile: "FROM ubuntu as foo\nRUN apt-get update && apt-get install python && rm -rf /var/lib/apt/lists/*\nFROM foo\nRUN hey!\n", fires: false},
	{tool: "hadolint", id: "DL3009", source: hadolintSpec + "DL3009Spec.hs: no warn apt-get cleanup in intermediate stage when stage not used later", dockerfile: "FROM ubuntu as foo\nRUN apt-get update && apt-get install python\nFROM scratch\nRUN hey!\n", fires: false},
	{tool: "hadolint", id: "DL3009", source: hadolintSpec + "DL3009Spec.hs: apt-get cleanup", dockerfile: "FROM scratch\nRUN apt-get update && apt-get install python && rm -rf /var/lib/apt/lists/*\n", fires: false},
	{tool: "hadolint", id: "DL3009", source: hadolintSpec + "DL3009Spec.hs: don't warn: BuildKit cache mount to apt lists directory", dockerfile: frag("RUN --mount=type=cache,target=/var/lib/apt/lists \\\n    apt-get update && apt-get install python"), fires: false},
	{tool: "hadolint", id: "DL3009", source: hadolintSpec + "DL3009Spec.hs: don't warn: BuildKit cache mount to apt directories 1", dockerfile: frag("RUN --mount=type=cache,target=/var/lib/apt \\\n    --mount=type=cache,target=/var/cache/apt \\\n    rm -f /etc/apt/apt.conf.d/docker-clean && \\\n    apt-get update && apt-get install python"), fires: false},
	{tool: "hadolint", id: "DL3009", source: hadolintSpec + "DL3009Spec.hs: don't warn: BuildKit cache mount to apt directories 2", dockerfile: frag("RUN rm -f /etc/apt/apt.conf.d/docker-clean\nRUN --mount=type=cache,target=/var/cache/apt \\\n    --mount=type=cache,target=/var/lib/apt \\\n    apt-get update && apt-get install foo"), fires: false},
	{tool: "hadolint", id: "DL3009", source: hadolintSpec + "DL3009Spec.hs: warn: BuildKit cache mount to apt cache directory only", dockerfile: frag("RUN --mount=type=cache,target=/var/cache/apt \\\n    rm -f /etc/apt/apt.conf.d/docker-clean && \\\n    apt-get update && apt-get install python"), fires: true},
	{tool: "hadolint", id: "DL3009", source: hadolintSpec + "DL3009Spec.hs: warn: BuildKit cache mount to apt lists directory only", dockerfile: frag("RUN rm -f /etc/apt/apt.conf.d/docker-clean\nRUN --mount=type=cache,target=/var/lib/apt \\\n    apt-get update && apt-get install python"), fires: true},

	// --- hadolint DL3015 (apt-get without --no-install-recommends) -> DF014.
	{tool: "hadolint", id: "DL3015", source: hadolintSpec + "DL3015Spec.hs: apt-get install recommends", dockerfile: frag("RUN apt-get install --no-install-recommends python"), fires: false},
	{tool: "hadolint", id: "DL3015", source: hadolintSpec + "DL3015Spec.hs: apt-get no install recommends", dockerfile: frag("RUN apt-get install python"), fires: true},
	{tool: "hadolint", id: "DL3015", source: hadolintSpec + "DL3015Spec.hs: apt-get no install recommends (-y)", dockerfile: frag("RUN apt-get -y install python"), fires: true},
	{tool: "hadolint", id: "DL3015", source: hadolintSpec + "DL3015Spec.hs: apt-get no install recommends via option", dockerfile: frag("RUN apt-get -o APT::Install-Recommends=false install python"), fires: false},

	// --- hadolint DL3020 (ADD for files and folders) -> DF012. Compressed
	// files are exempt: ADD unpacks a compressed tar whatever its name.
	{tool: "hadolint", id: "DL3020", source: hadolintSpec + "DL3020Spec.hs: add for tar", dockerfile: frag("ADD file.tar /usr/src/app/"), fires: false},
	{tool: "hadolint", id: "DL3020", source: hadolintSpec + "DL3020Spec.hs: add for gzip", dockerfile: frag("ADD file.gz /usr/src/app/"), fires: false},
	{tool: "hadolint", id: "DL3020", source: hadolintSpec + "DL3020Spec.hs: add for bz2", dockerfile: frag("ADD file.bz2 /usr/src/app/"), fires: false},
	{tool: "hadolint", id: "DL3020", source: hadolintSpec + "DL3020Spec.hs: add for xz", dockerfile: frag("ADD file.xz /usr/src/app/"), fires: false},
	{tool: "hadolint", id: "DL3020", source: hadolintSpec + "DL3020Spec.hs: add for tgz", dockerfile: frag("ADD file.tgz /usr/src/app/"), fires: false},
	{tool: "hadolint", id: "DL3020", source: hadolintSpec + "DL3020Spec.hs: add for url", dockerfile: frag("ADD http://file.com /usr/src/app/"), fires: false},
	{tool: "hadolint", id: "DL3020", source: hadolintSpec + "DL3020Spec.hs: using add", dockerfile: frag("ADD file /usr/src/app/"), fires: true},
	{tool: "hadolint", id: "DL3020", source: hadolintSpec + "DL3020Spec.hs: warn for zip", dockerfile: frag("ADD file.zip /usr/src/app/"), fires: true},
	{tool: "hadolint", id: "DL3020", source: hadolintSpec + "DL3020Spec.hs: add for tgz with quotes", dockerfile: frag("ADD \"file.tgz\" /usr/src/app/"), fires: false},
	{tool: "hadolint", id: "DL3020", source: hadolintSpec + "DL3020Spec.hs: add for url with quotes", dockerfile: frag("ADD \"http://file.com\" /usr/src/app/"), fires: false},
	{tool: "hadolint", id: "DL3020", source: hadolintSpec + "DL3020Spec.hs: warn for zip with quotes", dockerfile: frag("ADD \"file.zip\" /usr/src/app/"), fires: true},

	// --- hadolint DL3025 (JSON form for CMD/ENTRYPOINT) -> DF017. hardhull
	// judges the shipped stage only; every upstream case is single-stage.
	{tool: "hadolint", id: "DL3025", source: hadolintSpec + "DL3025Spec.hs: warn on ENTRYPOINT", dockerfile: "FROM node as foo\nENTRYPOINT something\n", fires: true},
	{tool: "hadolint", id: "DL3025", source: hadolintSpec + "DL3025Spec.hs: don't warn on ENTRYPOINT json notation", dockerfile: "FROM scratch as build\nENTRYPOINT [\"foo\", \"bar\"]\n", fires: false},
	{tool: "hadolint", id: "DL3025", source: hadolintSpec + "DL3025Spec.hs: warn on CMD", dockerfile: "FROM node as foo\nCMD something\n", fires: true},
	{tool: "hadolint", id: "DL3025", source: hadolintSpec + "DL3025Spec.hs: don't warn on CMD json notation", dockerfile: "FROM scratch as build\nCMD [\"foo\", \"bar\"]\nCMD [ \"foo\", \"bar\" ]\n", fires: false},

	// --- Trivy DS-0001 (':latest' tag used, which includes no tag) ->
	// DF002 + DF003 together: Trivy reads a missing tag as latest.
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_allowed", dockerfile: "FROM openjdk:8u292-oracle\n", fires: false},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_latest_tag_denied", dockerfile: "FROM openjdk:latest\n", fires: true},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_no_tag_denied", dockerfile: "FROM openjdk\n", fires: true},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_scratch_allowed", dockerfile: "FROM scratch\n", fires: false},
	// Trivy models ARGs of its first stage as global; in a Dockerfile
	// global ARGs come before the first FROM.
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_with_variables_allowed", dockerfile: "ARG IMAGE=alpine:3.12\nFROM alpine:3.5\nFROM $IMAGE\nCMD [\"python\", \"/usr/src/app/app.py\"]\n", fires: false},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_with_variables_denied", dockerfile: "ARG IMAGE=all-in-one\nFROM alpine:3.5\nFROM $IMAGE\nCMD [\"python\", \"/usr/src/app/app.py\"]\n", fires: true},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_multi_stage_allowed", dockerfile: "FROM golang:1.15 as builder\nRUN apt-get update\nFROM alpine:3.13\n", fires: false},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_multi_stage_base_alias_allowed", dockerfile: "FROM node:14.18.1-bullseye as dependencies\nRUN apt-get update\nFROM dependencies as build\n", fires: false},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_multi_stage_denied", dockerfile: "FROM node:14.18.1-bullseye as dependencies\nRUN apt-get update\nFROM alpine:latest\n", fires: true},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_multi_stage_no_tag_denied", dockerfile: "FROM node:14.18.1-bullseye as dependencies\nRUN apt-get update\nFROM alpine\n", fires: true},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_deny_latest_tag_ref_to_global_arg_with_default_value", dockerfile: "ARG TAG=\"latest\"\nFROM foo:${TAG}\n", fires: true},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_allow_tag_ref_to_global_arg_without_default_value", dockerfile: "ARG TAG\nFROM foo:${TAG}\n", fires: false},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_deny_image_ref_to_global_arg_without_default_value", dockerfile: "ARG REGISTRY\nFROM ${REGISTRY}/ubuntu\n", fires: true},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_deny_global_arg_is_overrided_to_latest", fires: true,
		skip: "the model puts `ARG TAG=latest` before its own stage's FROM; no Dockerfile parses to that (an ARG after FROM belongs to that stage, and Docker expands FROM with global ARGs only)"},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_deny_image_ref_to_multiple_args_but_tag_latest", dockerfile: "ARG REPO=repo\nARG IMAGE=image\nFROM $REPO/$IMAGE:latest\n", fires: true},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_deny_empty_tag_arg", dockerfile: "ARG TAG\nFROM alpine$TAG\n", fires: true},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag_test.rego: test_deny_missing_tag_arg", dockerfile: "FROM alpine$TAG\n", fires: true},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag.yaml: good / " + trivyData + "DS001/Dockerfile.allowed", dockerfile: "FROM debian:9\nRUN apt-get update && apt-get -y install vim && apt-get clean\nUSER foo\n", fires: false},
	{tool: "trivy", id: "DS-0001", source: trivyRego + "latest_tag.yaml: bad / " + trivyData + "DS001/Dockerfile.denied", dockerfile: "FROM debian:latest\nRUN apt-get update && apt-get -y install vim && apt-get clean\nUSER foo\n", fires: true},

	// --- Trivy DS-0002 (image user should not be root) -> DF001. DF001 is
	// stricter in one way no upstream case covers: a USER in a builder
	// stage does not make the shipped stage non-root.
	{tool: "trivy", id: "DS-0002", source: trivyRego + "root_user_test.rego: test_not_root_allowed", dockerfile: "FROM alpine:3.13\nUSER user1\n", fires: false},
	{tool: "trivy", id: "DS-0002", source: trivyRego + "root_user_test.rego: test_last_non_root_allowed", dockerfile: "FROM alpine:3.13\nUSER root\nUSER user1\n", fires: false},
	{tool: "trivy", id: "DS-0002", source: trivyRego + "root_user_test.rego: test_no_user_cmd_denied", dockerfile: "FROM alpine:3.13\nEXPOSE 22\n", fires: true},
	{tool: "trivy", id: "DS-0002", source: trivyRego + "root_user_test.rego: test_last_root_denied", dockerfile: "FROM alpine:3.13\nRUN apt-get update\nUSER user1\nRUN apt-get update\nUSER root\nRUN apt-get update\n", fires: true},
	{tool: "trivy", id: "DS-0002", source: trivyRego + "root_user_test.rego: test_last_root_case_2", dockerfile: "FROM alpine:3.13\nUSER user1\nUSER root\n", fires: true},
	{tool: "trivy", id: "DS-0002", source: trivyRego + "root_user_test.rego: test_last_root_with_group_denied", dockerfile: "FROM alpine:3.13\nUSER user1\nUSER root:root\n", fires: true},
	{tool: "trivy", id: "DS-0002", source: trivyRego + "root_user_test.rego: test_last_root_as_uid_number_denied", dockerfile: "FROM alpine:3.13\nUSER user1\nUSER 0\n", fires: true},
	{tool: "trivy", id: "DS-0002", source: trivyRego + "root_user_test.rego: test_last_root_as_uid_number_with_group_denied", dockerfile: "FROM alpine:3.13\nUSER user1\nUSER 0:0\n", fires: true},
	{tool: "trivy", id: "DS-0002", source: trivyRego + "root_user_test.rego: test_empty_user_denied", fires: true,
		skip: "a USER instruction without an argument; BuildKit rejects it (USER requires exactly one argument)"},
	{tool: "trivy", id: "DS-0002", source: trivyRego + "root_user_test.rego: test_multi_stage_build_allowed_if_last_stage_uses_non_root", dockerfile: "FROM alpine:3.13\nUSER root\nFROM alpine:3.14\nUSER user1\n", fires: false},
	{tool: "trivy", id: "DS-0002", source: trivyRego + "root_user_test.rego: test_multi_stage_build_denied_if_last_stage_does_not_specify_user", dockerfile: "FROM alpine:3.13\nUSER root\nFROM alpine:3.14\nCOPY blah.zip /blah.zip\n", fires: true},
	{tool: "trivy", id: "DS-0002", source: trivyRego + "root_user.yaml: good / " + trivyData + "DS002/Dockerfile.allowed", dockerfile: "FROM debian:9\nRUN apt-get update && apt-get -y install vim && apt-get clean\nUSER foo", fires: false},
	{tool: "trivy", id: "DS-0002", source: trivyRego + "root_user.yaml: bad / " + trivyData + "DS002/Dockerfile.denied", dockerfile: "FROM debian:9\nRUN apt-get update && apt-get -y install vim && apt-get clean\n", fires: true},

	// --- Trivy DS-0004 (port 22 exposed) -> DF018. DF018 also reports
	// other ports below 1024 at info; no upstream case covers those, and
	// port 22 is the rule's medium-severity core.
	{tool: "trivy", id: "DS-0004", source: trivyRego + "port22_test.rego: test_denied", dockerfile: "FROM alpine:3.13\nEXPOSE 22\n", fires: true},
	{tool: "trivy", id: "DS-0004", source: trivyRego + "port22_test.rego: test_tcp_denied", dockerfile: "FROM alpine:3.13\nEXPOSE 22/tcp\n", fires: true},
	{tool: "trivy", id: "DS-0004", source: trivyRego + "port22_test.rego: test_allowed", dockerfile: "FROM alpine:3.13\nEXPOSE 8080\n", fires: false},
	{tool: "trivy", id: "DS-0004", source: trivyRego + "port22.yaml: good / " + trivyData + "DS004/Dockerfile.allowed", dockerfile: "FROM alpine:3.13\nUSER mike\nEXPOSE 8080\n", fires: false},
	{tool: "trivy", id: "DS-0004", source: trivyRego + "port22.yaml: bad / " + trivyData + "DS004/Dockerfile.denied", dockerfile: "FROM alpine:3.13\nUSER mike\nEXPOSE 22", fires: true},

	// --- Trivy DS-0005 (ADD instead of COPY) -> DF012.
	{tool: "trivy", id: "DS-0005", source: trivyRego + "add_instead_of_copy_test.rego: test_mixed_commands_denied", dockerfile: "FROM alpine:3.13\nADD /target/resources.tar.gz resources.jar\nADD /target/app.jar app.jar\n", fires: true},
	{tool: "trivy", id: "DS-0005", source: trivyRego + "add_instead_of_copy_test.rego: test_add_command_denied", dockerfile: "FROM alpine:3.13\nADD /target/app.jar app.jar\n", fires: true},
	{tool: "trivy", id: "DS-0005", source: trivyRego + "add_instead_of_copy_test.rego: test_run_allowed", dockerfile: "FROM alpine:3.13\nRUN tar -xjf /temp/package.file.tar.gz\n", fires: false},
	{tool: "trivy", id: "DS-0005", source: trivyRego + "add_instead_of_copy_test.rego: test_copy_allowed", dockerfile: "FROM alpine:3.13\nCOPY test.txt test2.txt\n", fires: false},
	// The next two are the form `docker history` prints for ADD layers;
	// Dockerfiles rebuilt from an image's history contain them.
	{tool: "trivy", id: "DS-0005", source: trivyRego + "add_instead_of_copy_test.rego: test_add_file_colon_in_allowed", dockerfile: "FROM alpine:3.13\nADD file:8b8864b3e02a33a579dc216fd51b28a6047bc8eeaa03045b258980fe0cf7fcb3 in /xyz\n", fires: false},
	{tool: "trivy", id: "DS-0005", source: trivyRego + "add_instead_of_copy_test.rego: test_add_multi_colon_in_allowed", dockerfile: "FROM alpine:3.13\nADD multi:8b8864b3e02a33a579dc216fd51b28a6047bc8eeaa03045b258980fe0cf7fcb3 in /xyz\n", fires: false},
	{tool: "trivy", id: "DS-0005", source: trivyRego + "add_instead_of_copy_test.rego: test_add_tar_allowed", dockerfile: "FROM alpine:3.13\nADD /target/resources.tar.gz resources.tar.gz\n", fires: false},
	{tool: "trivy", id: "DS-0005", source: trivyRego + "add_instead_of_copy_test.rego: test_add_http_url_allowed", dockerfile: "FROM alpine:3.13\nADD http://example.com/foo.txt bar.txt\n", fires: false},
	{tool: "trivy", id: "DS-0005", source: trivyRego + "add_instead_of_copy_test.rego: test_add_https_url_allowed", dockerfile: "FROM alpine:3.13\nADD https://example.com/foo.txt bar.txt\n", fires: false},
	{tool: "trivy", id: "DS-0005", source: trivyRego + "add_instead_of_copy_test.rego: test_add_git_url_allowed", dockerfile: "FROM alpine:3.13\nADD git@github.com:user/repo.git /usr/src/things/\n", fires: false},
	{tool: "trivy", id: "DS-0005", source: trivyRego + "add_instead_of_copy.yaml: good / " + trivyData + "DS005/Dockerfile.allowed", dockerfile: "FROM alpine:3.13\nUSER mike\nADD \"/target/resources.tar.gz\" \"resources\"\n", fires: false},
	{tool: "trivy", id: "DS-0005", source: trivyRego + "add_instead_of_copy.yaml: bad / " + trivyData + "DS005/Dockerfile.denied", dockerfile: "FROM alpine:3.13\nUSER mike\nADD \"/target/resources.tar.gz\" \"resources.jar\"\nADD \"/target/app.jar\" \"app.jar\"", fires: true},

	// --- Trivy DS-0026 (no HEALTHCHECK) -> DF019. DF019 asks it of the
	// shipped stage; Trivy of any stage. Every upstream case agrees.
	{tool: "trivy", id: "DS-0026", source: trivyRego + "no_healthcheck_instruction_test.rego: test_denied", dockerfile: "FROM golang:1.7.3\nRUN apt-get -y update\nFROM alpine:latest\nCMD ./app\n", fires: true},
	{tool: "trivy", id: "DS-0026", source: trivyRego + "no_healthcheck_instruction_test.rego: test_allowed", dockerfile: "FROM golang:1.7.3\nCMD ./app\nFROM alpine:latest\nHEALTHCHECK CMD /bin/healthcheck\nCMD ./app\n", fires: false},

	// --- Trivy DS-0029 (apt-get without --no-install-recommends) -> DF014.
	{tool: "trivy", id: "DS-0029", source: trivyRego + "apt_get_missing_no_install_recommends_test.rego: test_denied", dockerfile: "FROM node:12\nRUN apt-get install -y python=2.7\n", fires: true},
	{tool: "trivy", id: "DS-0029", source: trivyRego + "apt_get_missing_no_install_recommends_test.rego: test_json_array_denied", dockerfile: "FROM node:12\nRUN [\"apt-get\", \"install\", \"-y\", \"apt-utils\"]\n", fires: true},
	{tool: "trivy", id: "DS-0029", source: trivyRego + "apt_get_missing_no_install_recommends_test.rego: test_allowed", dockerfile: "FROM node:12\nRUN apt-get -fmy install --no-install-recommends apt-utils\n", fires: false},
	{tool: "trivy", id: "DS-0029", source: trivyRego + "apt_get_missing_no_install_recommends_test.rego: test_with_flag_behind_allowed", dockerfile: "FROM node:12\nRUN apt-get --no-install-recommends install -fmy apt-utils\n", fires: false},
	{tool: "trivy", id: "DS-0029", source: trivyRego + "apt_get_missing_no_install_recommends_test.rego: test_json_array_long_flag_allowed", dockerfile: "FROM node:12\nRUN [\"apt-get\", \"--yes\", \"-q\", \"--no-install-recommends\", \"install\", \"apt-utils\"]\n", fires: false},
	{tool: "trivy", id: "DS-0029", source: trivyRego + "apt_get_missing_no_install_recommends_test.rego: test_chained_allowed", dockerfile: "FROM node:12\nRUN apt-get update && apt-get --no-install-recommends -y install apt-utils\n", fires: false},
	{tool: "trivy", id: "DS-0029", source: trivyRego + "apt_get_missing_no_install_recommends_test.rego: test_flags_after_pkgs_allowed", dockerfile: "FROM debian:11-slim\nRUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata postgresql-10 --no-install-recommends && rm -rf /var/lib/apt/lists/*\n", fires: false},

	// --- Checkov CKV_DOCKER_1 (port 22 exposed) -> DF018.
	{tool: "checkov", id: "CKV_DOCKER_1", source: checkovTests + "example_ExposePort22/failure/Dockerfile", dockerfile: "FROM busybox\n\nEXPOSE 8080 22\n", fires: true},
	{tool: "checkov", id: "CKV_DOCKER_1", source: checkovTests + "example_ExposePort22/failure_tcp/Dockerfile", dockerfile: "FROM busybox\n\nEXPOSE 22/tcp\n", fires: true},
	{tool: "checkov", id: "CKV_DOCKER_1", source: checkovTests + "example_ExposePort22/success/Dockerfile", dockerfile: "FROM busybox\n\nEXPOSE 8080\n", fires: false},

	// --- Checkov CKV_DOCKER_2 (HEALTHCHECK exists) -> DF019.
	{tool: "checkov", id: "CKV_DOCKER_2", source: checkovTests + "example_HealthcheckExists/failure/Dockerfile", dockerfile: "FROM base\n\nLABEL foo=\"bar baz\nUSER  me\n", fires: true},
	{tool: "checkov", id: "CKV_DOCKER_2", source: checkovTests + "example_HealthcheckExists/success/Dockerfile", dockerfile: "FROM base\n\nLABEL foo=\"bar baz\nUSER  me\n\nHEALTHCHECK CMD curl --fail http://localhost:3000 || exit 1\n", fires: false},

	// --- Checkov CKV_DOCKER_7 (base image uses a non-latest tag; no tag
	// counts as latest) -> DF002 + DF003.
	{tool: "checkov", id: "CKV_DOCKER_7", source: checkovTests + "example_ReferenceLatestTag/success/Dockerfile", dockerfile: "FROM alpine:3\n", fires: false},
	{tool: "checkov", id: "CKV_DOCKER_7", source: checkovTests + "example_ReferenceLatestTag/success_arg_default_tag/Dockerfile", dockerfile: "ARG BASE_IMAGE=node:18.17.0\nFROM ${BASE_IMAGE}", fires: false},
	{tool: "checkov", id: "CKV_DOCKER_7", source: checkovTests + "example_ReferenceLatestTag/success_multi_stage_capital/Dockerfile", dockerfile: "FROM alpine:3 AS base\nCOPY test.sh /test.sh\n\nFROM base AS build\nLABEL maintainer=checkov\n\nFROM base\n", fires: false},
	{tool: "checkov", id: "CKV_DOCKER_7", source: checkovTests + "example_ReferenceLatestTag/success_multi_stage_platform/Dockerfile", dockerfile: "FROM --platform=$BUILDPLATFORM python:3.11-slim AS build\nCOPY test.sh /test.sh\n\nFROM build as run\nLABEL maintainer=checkov\n", fires: false},
	{tool: "checkov", id: "CKV_DOCKER_7", source: checkovTests + "example_ReferenceLatestTag/success_multi_stage_scratch/Dockerfile", dockerfile: "FROM scratch as base\nCOPY test.sh /test.sh\n\nFROM base\nLABEL maintainer=checkov\n", fires: false},

	// --- KICS exposing_port_22 -> DF018.
	{tool: "kics", id: kicsPort22, source: kicsQueries + "exposing_port_22/test/negative.dockerfile", dockerfile: "FROM gliderlabs/alpine:3.3\nRUN apk --no-cache add nginx\nEXPOSE 80\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n", fires: false},
	{tool: "kics", id: kicsPort22, source: kicsQueries + "exposing_port_22/test/negative2.dockerfile", dockerfile: "from gliderlabs/alpine:3.3\nrun apk --no-cache add nginx\nexpose 80\ncmd [\"nginx\", \"-g\", \"daemon off;\"]\n", fires: false},
	{tool: "kics", id: kicsPort22, source: kicsQueries + "exposing_port_22/test/positive1.dockerfile", dockerfile: "FROM gliderlabs/alpine:3.3\nRUN apk --no-cache add nginx\nEXPOSE 3000 80 443 22\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n", fires: true},
	{tool: "kics", id: kicsPort22, source: kicsQueries + "exposing_port_22/test/positive2.dockerfile", dockerfile: "from gliderlabs/alpine:3.3\nrun apk --no-cache add nginx\nexpose 3000 80 443 22\ncmd [\"nginx\", \"-g\", \"daemon off;\"]\n", fires: true},

	// --- KICS healthcheck_instruction_missing -> DF019. KICS, like
	// hardhull, asks it of the last stage only.
	{tool: "kics", id: kicsHealthcheck, source: kicsQueries + "healthcheck_instruction_missing/test/negative.dockerfile", dockerfile: "FROM node:alpine\nWORKDIR /usr/src/app\nCOPY package*.json ./\nRUN npm install\nCOPY . .\nEXPOSE 3000\nHEALTHCHECK CMD curl --fail http://localhost:3000 || exit 1 \nCMD [\"node\",\"app.js\"]", fires: false},
	{tool: "kics", id: kicsHealthcheck, source: kicsQueries + "healthcheck_instruction_missing/test/negative2.dockerfile", dockerfile: "FROM golang:1.16 AS builder\nWORKDIR /go/src/github.com/foo/href-counter/\nRUN go get -d -v golang.org/x/net/html  \nCOPY app.go    ./\nRUN CGO_ENABLED=0 GOOS=linux go build -a -installsuffix cgo -o app .\n\nFROM alpine:latest  \nRUN apk --no-cache add ca-certificates\nWORKDIR /root/\nCOPY --from=builder /go/src/github.com/foo/href-counter/app ./\nCMD [\"./app\"]\nRUN useradd -ms /bin/bash patrick\n\nUSER patrick\nHEALTHCHECK CMD curl --fail http://localhost:3000 || exit 1 \n", fires: false},
	{tool: "kics", id: kicsHealthcheck, source: kicsQueries + "healthcheck_instruction_missing/test/negative3.dockerfile", dockerfile: "from node:alpine\nworkdir /usr/src/app\ncopy package*.json ./\nrun npm install\ncopy . .\nexpose 3000\nhealthcheck CMD curl --fail http://localhost:3000 || exit 1 \ncmd [\"node\",\"app.js\"]", fires: false},
	{tool: "kics", id: kicsHealthcheck, source: kicsQueries + "healthcheck_instruction_missing/test/positive1.dockerfile", dockerfile: "FROM node:alpine\nWORKDIR /usr/src/app\nCOPY package*.json ./\nRUN npm install\nCOPY . .\nEXPOSE 3000\nCMD [\"node\",\"app.js\"]", fires: true},
	{tool: "kics", id: kicsHealthcheck, source: kicsQueries + "healthcheck_instruction_missing/test/positive2.dockerfile", dockerfile: "FROM golang:1.16 AS builder\nWORKDIR /go/src/github.com/foo/href-counter/\nRUN go get -d -v golang.org/x/net/html  \nCOPY app.go    ./\nRUN CGO_ENABLED=0 GOOS=linux go build -a -installsuffix cgo -o app .\n\nFROM alpine:latest  \nRUN apk --no-cache add ca-certificates\nWORKDIR /root/\nCOPY --from=builder /go/src/github.com/foo/href-counter/app ./\nCMD [\"./app\"]\nRUN useradd -ms /bin/bash patrick\n\nUSER patrick\n", fires: true},
	{tool: "kics", id: kicsHealthcheck, source: kicsQueries + "healthcheck_instruction_missing/test/positive3.dockerfile", dockerfile: "from node:alpine\nworkdir /usr/src/app\ncopy package*.json ./\nrun npm install\ncopy . .\nexpose 3000\ncmd [\"node\",\"app.js\"]", fires: true},

	// --- KICS image_version_using_latest -> DF003 (KICS has a separate
	// query for a missing tag, below).
	{tool: "kics", id: kicsLatest, source: kicsQueries + "image_version_using_latest/test/negative.dockerfile", dockerfile: "FROM alpine:3.5\n" + kicsPyApp + "EXPOSE 5000\nCMD [\"python\", \"/usr/src/app/app.py\"]\n\nFROM 923847651029.dkr.ecr.eu-west-1.amazonaws.com/echo/echo-fips:latest@sha256:a1f3c2e9b0d74682f5a3c1e8b2d09f47c6e1a3b8d2f04c7e9a1b3d5f7c2e4a6b8\n" + kicsPyApp + "EXPOSE 5001\nCMD [\"python\", \"/usr/src/app/app.py\"]", fires: false},
	{tool: "kics", id: kicsLatest, source: kicsQueries + "image_version_using_latest/test/negative2.dockerfile", dockerfile: "from alpine:3.5\n" + kicsPyAppLower + "expose 5000\ncmd [\"python\", \"/usr/src/app/app.py\"]", fires: false},
	{tool: "kics", id: kicsLatest, source: kicsQueries + "image_version_using_latest/test/positive1.dockerfile", dockerfile: "FROM alpine:latest\n" + kicsPyApp + "EXPOSE 5000\nCMD [\"python\", \"/usr/src/app/app.py\"]", fires: true},
	{tool: "kics", id: kicsLatest, source: kicsQueries + "image_version_using_latest/test/positive2.dockerfile", dockerfile: "from alpine:latest\n" + kicsPyAppLower + "expose 5000\ncmd [\"python\", \"/usr/src/app/app.py\"]", fires: true},

	// --- KICS image_version_not_explicit -> DF002. A FROM naming a stage
	// defined later is an external image, for both.
	{tool: "kics", id: kicsNotExplicit, source: kicsQueries + "image_version_not_explicit/test/negative.dockerfile", dockerfile: "FROM alpine:3.5\n" + kicsPyApp + "EXPOSE 5000\nCMD [\"python\", \"/usr/src/app/app.py\"] ", fires: false},
	{tool: "kics", id: kicsNotExplicit, source: kicsQueries + "image_version_not_explicit/test/negative1.dockerfile", dockerfile: "FROM alpine:3.5\n" + kicsPyApp + "EXPOSE 5000\nARG IMAGE=alpine:3.12\nFROM $IMAGE\nCMD [\"python\", \"/usr/src/app/app.py\"]\n", fires: false},
	{tool: "kics", id: kicsNotExplicit, source: kicsQueries + "image_version_not_explicit/test/negative2.dockerfile", dockerfile: "FROM ubuntu:22.04 AS test\nRUN echo \"hello\"\n\nFROM test AS build\nRUN echo \"build\"\n\nFROM build AS final\nRUN echo \"final\"", fires: false},
	{tool: "kics", id: kicsNotExplicit, source: kicsQueries + "image_version_not_explicit/test/negative3.dockerfile", dockerfile: "FROM ubuntu@sha256:b59d21599a2b151e23eea5f6602f4af4d7d31c4e236d22bf0b62b86d2e386b8f as base\nRUN echo \"base\"\n\nFROM base\nRUN echo \"stage1\"\n", fires: false},
	{tool: "kics", id: kicsNotExplicit, source: kicsQueries + "image_version_not_explicit/test/negative4.dockerfile", dockerfile: "FROM ubuntu:22.04 AS test1\nRUN echo \"depth1\"\n\nFROM test1 AS test2\nRUN echo \"depth2\"\n\nFROM test2 AS test3\nRUN echo \"depth3\"\n\nFROM test3 AS test4\nRUN echo \"depth4\"\n\nFROM test4 \nRUN echo \"depth5\"", fires: false},
	{tool: "kics", id: kicsNotExplicit, source: kicsQueries + "image_version_not_explicit/test/negative5.dockerfile", dockerfile: "from alpine:3.5\n" + kicsPyAppLower + "expose 5000\narg IMAGE=alpine:3.12\nfrom $IMAGE\ncmd [\"python\", \"/usr/src/app/app.py\"]\n", fires: false},
	{tool: "kics", id: kicsNotExplicit, source: kicsQueries + "image_version_not_explicit/test/positive.dockerfile", dockerfile: "FROM alpine\n" + kicsPyApp + "EXPOSE 5000\nCMD [\"python\", \"/usr/src/app/app.py\"] ", fires: true},
	{tool: "kics", id: kicsNotExplicit, source: kicsQueries + "image_version_not_explicit/test/positive2.dockerfile", dockerfile: "FROM ubuntu:22.04 AS test\nRUN echo \"hello\"\n\nFROM test AS build\nRUN echo \"build\"\n\nFROM construction AS final\nRUN echo \"final\"", fires: true},
	{tool: "kics", id: kicsNotExplicit, source: kicsQueries + "image_version_not_explicit/test/positive3.dockerfile", dockerfile: "FROM ubuntu:22.04 AS test\nRUN echo \"hello\"\n\nFROM positive4 \nRUN echo \"positive4\"\n\nFROM positive42\nRUN echo \"positive42\"", fires: true},
	{tool: "kics", id: kicsNotExplicit, source: kicsQueries + "image_version_not_explicit/test/positive4.dockerfile", dockerfile: "FROM ubuntu:22.04 AS test1\nRUN echo \"depth\"\n\nFROM test1 AS test2\nRUN echo \"depth\"\n\nFROM test_fail_1\nRUN echo \"depth\"\n\nFROM test3 AS test_fail_2\nRUN echo \"depth\"\n\nFROM test2 AS test3\nRUN echo \"depth\"\n\nFROM test3 AS test_fail_1\nRUN echo \"depth\"", fires: true},
	{tool: "kics", id: kicsNotExplicit, source: kicsQueries + "image_version_not_explicit/test/positive5.dockerfile", dockerfile: "from alpine\n" + kicsPyAppLower + "expose 5000\ncmd [\"python\", \"/usr/src/app/app.py\"] ", fires: true},

	// --- KICS Docker Compose queries. Each test file is one compose.yaml;
	// hardhull loads it with compose-go and judges every service, so a file
	// compose-go rejects is kept with the reason as skip.

	// --- KICS privileged_containers_enabled -> DC001.
	{tool: "kics", id: kicsPrivileged, source: kicsCompose + "privileged_containers_enabled/test/negative2.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./dir\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n    ports:\n      - \"8080:8080\"\n      - \"3000:3000\"\n    privileged: false\n"), fires: false},
	{tool: "kics", id: kicsPrivileged, source: kicsCompose + "privileged_containers_enabled/test/positive1.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./dir\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n    privileged: true\n"), fires: true},
	{tool: "kics", id: kicsPrivileged, source: kicsCompose + "privileged_containers_enabled/test/positive2.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./dir\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n      ports:\n        - \"8080:8080\"\n        - \"3000:3000\"\n      privileged: true\n    cap_drop:\n      - all\n"), fires: true, skip: "privileged and ports sit under build:, which compose-go rejects (services.webapp.build additional properties 'ports' not allowed)"},

	// --- KICS docker_socket_mounted_in_container -> DC014.
	{tool: "kics", id: kicsDockerSock, source: kicsCompose + "docker_socket_mounted_in_container/test/negative1.yaml", files: composeFile("version: \"3.1\"\n\nservices:\n  service1:\n    container_name: service\n    image: notareal/image:latest\n    restart: always\n    ports:\n      - 8080:8080\n"), fires: false},
	{tool: "kics", id: kicsDockerSock, source: kicsCompose + "docker_socket_mounted_in_container/test/positive1.yaml", files: composeFile("version: \"3.1\"\n\nservices:\n  service1:\n    container_name: service\n    image: notareal/image:latest\n    restart: always\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n    ports:\n      - 8080:8080\n"), fires: true},

	// --- KICS no_new_privileges_not_set -> DC004. A bare
	// `no-new-privileges` means true to Docker, and to both tools.
	{tool: "kics", id: kicsNoNewPrivs, source: kicsCompose + "no_new_privileges_not_set/test/negative1.yaml", files: composeFile("version: \"2.4\"\nservices:\n  service-service-service:\n    build:\n      context: ./git-branches/\n      dockerfile: service.dockerfile\n    ports:\n      - \"6969:8080\"\n    networks:\n      - service-service-frontend\n    restart: always\n    depends_on:\n      - \"service-service-front-fpm\"\n    security_opt:\n      - no-new-privileges\n\nnetworks:\n  service-service-frontend:\n"), fires: false},
	{tool: "kics", id: kicsNoNewPrivs, source: kicsCompose + "no_new_privileges_not_set/test/negative2.yaml", files: composeFile("version: \"3.4\"\nservices:\n  service-service-service:\n    build:\n      context: ./git-branches/\n      dockerfile: service.dockerfile\n    ports:\n      - \"6969:8080\"\n    networks:\n      - service-service-frontend\n    restart: always\n    depends_on:\n      - \"service-service-front-fpm\"\n    security_opt:\n      - no-new-privileges:true\n\nnetworks:\n  service-service-frontend:\n"), fires: false},
	{tool: "kics", id: kicsNoNewPrivs, source: kicsCompose + "no_new_privileges_not_set/test/positive1.yaml", files: composeFile("version: \"3.4\"\nservices:\n  service-service-service:\n    build:\n      context: ./git-branches/\n      dockerfile: service.dockerfile\n    ports:\n      - \"6969:8080\"\n    networks:\n      - service-service-frontend\n    restart: always\n    security_opt:\n      - no-new-privileges:false\n    depends_on:\n      - \"service-service-front-fpm\"\n\nnetworks:\n  service-service-frontend:\n"), fires: true},
	{tool: "kics", id: kicsNoNewPrivs, source: kicsCompose + "no_new_privileges_not_set/test/positive2.yaml", files: composeFile("version: \"3.4\"\nservices:\n  service-service-service:\n    build:\n      context: ./git-branches/\n      dockerfile: service.dockerfile\n    ports:\n      - \"6969:8080\"\n    networks:\n      - service-service-frontend\n    restart: always\n    security_opt:\n      - apparmor: false\n    depends_on:\n      - \"service-service-front-fpm\"\n\nnetworks:\n  service-service-frontend:\n"), fires: true, skip: "a security_opt item that is a map (`apparmor: false`); compose-go rejects it (security_opt.0 must be a string)"},

	// --- KICS host_namespace_is_shared (pid), shared_host_ipc_namespace,
	// shared_host_user_namespace -> DC013, which covers every namespace;
	// no negative case shares another host namespace.
	{tool: "kics", id: kicsHostPID, source: kicsCompose + "host_namespace_is_shared/test/negative1.yaml", files: composeFile("version: '2.1'\n\nservices:\n\n  service_name_4:\n    image: not/a-real-image:latest\n    command: [\"launch\"]\n    ports:\n      - \"8080:8080\"\n    pid: \"container:container_name_4\"\n"), fires: false},
	{tool: "kics", id: kicsHostPID, source: kicsCompose + "host_namespace_is_shared/test/negative2.yaml", files: composeFile("version: '2.1'\n\nservices:\n\n  service_name_5:\n    image: not/a-real-image:latest\n    command: [\"launch\"]\n    ports:\n      - \"8080:8080\"\n    pid: \"container:service_name_4\"\n    \n"), fires: false},
	{tool: "kics", id: kicsHostPID, source: kicsCompose + "host_namespace_is_shared/test/negative3.yaml", files: composeFile("version: '3'\n\nservices:\n\n  service_name_3:\n    image: not/a-real-image:latest\n    command: [\"launch\"]\n    ports:\n      - \"8080:8080\"\n"), fires: false},
	{tool: "kics", id: kicsHostPID, source: kicsCompose + "host_namespace_is_shared/test/positive1.yaml", files: composeFile("version: '3'\n\nservices:\n\n  service_name_1:\n    image: not/a-real-image:latest\n    command: [\"launch\"]\n    ports:\n      - \"8080:8080\"\n    pid: \"host\" # Share Process ID Namespace\n"), fires: true},
	{tool: "kics", id: kicsHostPID, source: kicsCompose + "host_namespace_is_shared/test/positive2.yaml", files: composeFile("version: \"2.4\"\nservices:\n  service_name_2:\n    build: ./\n    restart: always\n    pid: \"host\"\n    entrypoint: node /app/directory.js\n    volumes:\n      - \"./directory:/app\"\n"), fires: true},
	{tool: "kics", id: kicsHostPID, source: kicsCompose + "host_namespace_is_shared/test/positive3.yaml", files: composeFile("version: \"3\"\n\nservices:\n  app:\n    build: app\n    ports:\n      - \"0.0.0.0:80:80\"\n\n  internal:\n      build: internal\n      pid: \"host\"\n\n"), fires: true},
	{tool: "kics", id: kicsHostIPC, source: kicsCompose + "shared_host_ipc_namespace/test/negative1.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./dir\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n"), fires: false},
	{tool: "kics", id: kicsHostIPC, source: kicsCompose + "shared_host_ipc_namespace/test/positive1.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./dir\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n    ipc: \"host\"\n"), fires: true},
	{tool: "kics", id: kicsHostIPC, source: kicsCompose + "shared_host_ipc_namespace/test/positive2.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./dir\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n    ports:\n      - \"8080:8080\"\n      - \"3000:3000\"\n    ipc: \"host\"\n    cap_drop:\n      - all\n"), fires: true},
	{tool: "kics", id: kicsHostUserNS, source: kicsCompose + "shared_host_user_namespace/test/negative1.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n    ports:\n      - \"8080:8080\"\n      - \"3000:3000\"\n    security_opt:\n      - apparmor:unconfined\n"), fires: false},
	{tool: "kics", id: kicsHostUserNS, source: kicsCompose + "shared_host_user_namespace/test/negative2.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n    ports:\n      - \"8080:8080\"\n      - \"3000:3000\"\n    security_opt:\n      - apparmor:unconfined\n    userns_mode: anything_but_host\n"), fires: false},
	{tool: "kics", id: kicsHostUserNS, source: kicsCompose + "shared_host_user_namespace/test/positive1.yaml", files: composeFile("version: \"3\"\n\nservices:\n  service1:\n    image: service1:3.4\n    hostname: servicer\n    network_mode: host\n    pid: host\n    userns_mode: host\n    privileged: true\n"), fires: true},

	// --- KICS container_capabilities_unrestricted -> DC002 + DC003. KICS
	// fires on a service without cap_drop and on any cap_add; DC002 fires
	// unless ALL is dropped, DC003 on a cap_add that amounts to host
	// control. No upstream case adds a harmless capability after dropping
	// ALL (cap_add: [NET_BIND_SERVICE], the fix DC002 recommends), where
	// KICS would still fire and hardhull stays quiet. The query was named
	// check_cap_add_cap_drop before, with the same id; its tests are the
	// same services with ports nested under build, which compose-go
	// rejects, so they are kept as skipped.
	{tool: "kics", id: kicsCapsOpen, source: kicsCompose + "container_capabilities_unrestricted/test/negative1.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./dir\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n    ports:\n      - \"8080:8080\"\n      - \"3000:3000\"\n    cap_drop: \n      - all\n"), fires: false},
	{tool: "kics", id: kicsCapsOpen, source: kicsCompose + "container_capabilities_unrestricted/test/positive1.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./dir\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n    ports:\n      - \"8080:8080\"\n      - \"3000:3000\"\n    cap_add: \n      - all\n"), fires: true},
	{tool: "kics", id: kicsCapsOpen, source: kicsCompose + "container_capabilities_unrestricted/test/positive2.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./dir\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n    ports:\n      - \"8080:8080\"\n      - \"3000:3000\"\n    cap_add: \n      - all\n    cap_drop:\n      - SYS_CHROOT\n"), fires: true},
	{tool: "kics", id: kicsCapsOpen, source: kicsCompose + "container_capabilities_unrestricted/test/positive3.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./dir\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n    ports:\n      - \"8080:8080\"\n      - \"3000:3000\"\n    cap_add: \n      - all\n    cap_drop:\n      - all\n"), fires: true},
	{tool: "kics", id: kicsCapsOpen, source: kicsCompose + "container_capabilities_unrestricted/test/positive4.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./dir\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n    ports:\n      - \"8080:8080\"\n      - \"3000:3000\"\n"), fires: true},
	{tool: "kics", id: kicsCapsOpen, source: kicsCompose + "check_cap_add_cap_drop/test/negative1.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./dir\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n      ports:\n        - \"8080:8080\"\n        - \"3000:3000\"\n    cap_drop: \n      - all\n"), fires: false, skip: "ports sit under build:, which compose-go rejects (services.webapp.build additional properties 'ports' not allowed)"},
	{tool: "kics", id: kicsCapsOpen, source: kicsCompose + "check_cap_add_cap_drop/test/positive1.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./dir\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n      ports:\n        - \"8080:8080\"\n        - \"3000:3000\"\n    cap_add: \n      - all\n"), fires: true, skip: "ports sit under build:, which compose-go rejects (services.webapp.build additional properties 'ports' not allowed)"},
	{tool: "kics", id: kicsCapsOpen, source: kicsCompose + "check_cap_add_cap_drop/test/positive2.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./dir\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n      ports:\n        - \"8080:8080\"\n        - \"3000:3000\"\n    cap_add: \n      - all\n    cap_drop:\n      - SYS_CHROOT\n"), fires: true, skip: "ports sit under build:, which compose-go rejects (services.webapp.build additional properties 'ports' not allowed)"},
	{tool: "kics", id: kicsCapsOpen, source: kicsCompose + "check_cap_add_cap_drop/test/positive3.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./dir\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n      ports:\n        - \"8080:8080\"\n        - \"3000:3000\"\n    cap_add: \n      - all\n    cap_drop:\n      - all\n"), fires: true, skip: "ports sit under build:, which compose-go rejects (services.webapp.build additional properties 'ports' not allowed)"},

	// --- KICS shared_host_network_namespace -> DC013 (network_mode:
	// host). Its negative file is not available; the same query under its
	// former name, network_mode_host_exists, has one (network_mode: none).
	{tool: "kics", id: kicsHostNet, source: kicsCompose + "shared_host_network_namespace/test/positive1.yaml", files: composeFile("version: '2'\n\nvolumes:\n  dhcp-leases:\n    external: false\n\nservices:\n\n  mongo: # 27017\n    image: mongo:latest\n    network_mode: \"host\"\n    privileged: true\n"), fires: true},
	{tool: "kics", id: kicsHostNet, source: kicsCompose + "network_mode_host_exists/test/negative1.yaml", files: composeFile("version: '2'\n\nvolumes:\n  dhcp-leases:\n    external: false\n\nservices:\n\n  mongo: # 27017\n    image: mongo:latest\n    network_mode: \"none\"\n    privileged: true\n"), fires: false},

	// --- KICS add_instead_of_copy -> DF012. KICS exempts any ADD whose
	// arguments mention ".tar"; DF012 also exempts URLs and other
	// compressed archives (ADD file.gz), which no upstream case covers.
	// An ADD from a build argument (${JAR_FILE}) fires for both.
	{tool: "kics", id: kicsAdd, source: kicsQueries + "add_instead_of_copy/test/negative.dockerfile", dockerfile: "FROM openjdk:10-jdk\nVOLUME /tmp\nARG JAR_FILE\nCOPY ${JAR_FILE} app.jar\nENTRYPOINT [\"java\",\"-Djava.security.egd=file:/dev/./urandom\",\"-jar\",\"/app.jar\"]\nADD http://source.file/package.file.tar.gz /temp\nRUN tar -xjf /temp/package.file.tar.gz \\\n  && make -C /tmp/package.file \\\n  && rm /tmp/ package.file.tar.gz", fires: false},
	{tool: "kics", id: kicsAdd, source: kicsQueries + "add_instead_of_copy/test/negative1.dockerfile", dockerfile: "FROM openjdk:10-jdk\nVOLUME /tmp\nARG JAR_FILE\nCOPY ${JAR_FILE} app.jar\nENTRYPOINT [\"java\",\"-Djava.security.egd=file:/dev/./urandom\",\"-jar\",\"/app.jar\"]\nADD http://source.file/package.file.tar.gz /temp\nRUN tar -xjf /temp/package.file.tar.gz \\\n  && make -C /tmp/package.file \\\n  && rm /tmp/ package.file.tar.gz\n# trigger validation\n", fires: false},
	{tool: "kics", id: kicsAdd, source: kicsQueries + "add_instead_of_copy/test/negative2.dockerfile", dockerfile: "from openjdk:10-jdk\nvolume /tmp\narg JAR_FILE\ncopy ${JAR_FILE} app.jar\nentrypoint [\"java\",\"-Djava.security.egd=file:/dev/./urandom\",\"-jar\",\"/app.jar\"]\nadd http://source.file/package.file.tar.gz /temp\nrun tar -xjf /temp/package.file.tar.gz \\\n  && make -C /tmp/package.file \\\n  && rm /tmp/ package.file.tar.gz\n# trigger validation\n", fires: false},
	{tool: "kics", id: kicsAdd, source: kicsQueries + "add_instead_of_copy/test/positive1.dockerfile", dockerfile: "FROM openjdk:10-jdk\nVOLUME /tmp\nADD http://source.file/package.file.tar.gz /temp\nRUN tar -xjf /temp/package.file.tar.gz \\\n  && make -C /tmp/package.file \\\n  && rm /tmp/ package.file.tar.gz\nARG JAR_FILE\nADD ${JAR_FILE} app.jar\nENTRYPOINT [\"java\",\"-Djava.security.egd=file:/dev/./urandom\",\"-jar\",\"/app.jar\"]\n", fires: true},
	{tool: "kics", id: kicsAdd, source: kicsQueries + "add_instead_of_copy/test/positive2.dockerfile", dockerfile: "from openjdk:10-jdk\nvolume /tmp\nadd http://source.file/package.file.tar.gz /temp\nrun tar -xjf /temp/package.file.tar.gz \\\n  && make -C /tmp/package.file \\\n  && rm /tmp/ package.file.tar.gz\narg JAR_FILE\nadd ${JAR_FILE} app.jar\nentrypoint [\"java\",\"-Djava.security.egd=file:/dev/./urandom\",\"-jar\",\"/app.jar\"]\n", fires: true},
	{tool: "kics", id: kicsAdd, source: kicsQueries + "add_instead_of_copy/test/positive3.dockerfile", dockerfile: "FROM openjdk:10-jdk\nADD ${JAR_FILE} app.jar\n\n\n\n\nFROM openjdk:10-jdk\nADD ${JAR_FILE} app.jar", fires: true},

	// --- KICS not_using_json_in_cmd_and_entrypoint_arguments -> DF017.
	// Both judge the last stage only; `CMD [python, app.py]` is not JSON
	// (unquoted), so the builder runs it through a shell.
	{tool: "kics", id: kicsJSONCmd, source: kicsQueries + "not_using_json_in_cmd_and_entrypoint_arguments/test/negative1.dockerfile", dockerfile: "FROM alpine:3.5\nRUN apk add --update py2-pip\nRUN sudo yum install bundler\nRUN yum install\nCOPY requirements.txt /usr/src/app/\nRUN pip install --no-cache-dir -r /usr/src/app/requirements.txt\nCOPY app.py /usr/src/app/\nCOPY templates/index.html /usr/src/app/templates/\nEXPOSE 5000\nCMD [\"python\", \"/usr/src/app/app.py\"] \nENTRYPOINT [\"top\", \"-b\"]", fires: false},
	{tool: "kics", id: kicsJSONCmd, source: kicsQueries + "not_using_json_in_cmd_and_entrypoint_arguments/test/negative2.dockerfile", dockerfile: "FROM golang:1.16 AS builder\nWORKDIR /go/src/github.com/alexellis/href-counter/\nRUN go get -d -v golang.org/x/net/html  \nCOPY app.go    ./\nRUN CGO_ENABLED=0 GOOS=linux go build -a -installsuffix cgo -o app .\nCMD [python, /usr/src/app/app.py] \nENTRYPOINT [top, -b]\n\nFROM alpine:latest  \nRUN apk --no-cache add ca-certificates\nWORKDIR /root/\nCOPY --from=builder /go/src/github.com/alexellis/href-counter/app ./\nCMD [\"./app\"]\nRUN useradd -ms /bin/bash patrick\n\nUSER patrick\n", fires: false},
	{tool: "kics", id: kicsJSONCmd, source: kicsQueries + "not_using_json_in_cmd_and_entrypoint_arguments/test/positive.dockerfile", dockerfile: "FROM alpine:3.5\nRUN apk add --update py2-pip\nRUN sudo yum install bundler\nRUN yum install\nCOPY requirements.txt /usr/src/app/\nRUN pip install --no-cache-dir -r /usr/src/app/requirements.txt\nCOPY app.py /usr/src/app/\nCOPY templates/index.html /usr/src/app/templates/\nEXPOSE 5000\nCMD [python, /usr/src/app/app.py] \nENTRYPOINT [top, -b]", fires: true},

	// --- KICS apt_get_install_lists_were_not_deleted -> DF015. KICS
	// judges every stage and accepts a RUN ending in `apt-get clean`, which
	// keeps /var/lib/apt/lists; DF015 judges the shipped stages and wants
	// the lists removed. Every upstream case with `apt-get clean` alone
	// has it in a stage that is not shipped, so the two agree on all six.
	{tool: "kics", id: kicsAptLists, source: kicsQueries + "apt_get_install_lists_were_not_deleted/test/negative1.dockerfile", dockerfile: "FROM busyboxneg1\nRUN apt-get update && apt-get install --no-install-recommends -y python \\\n  && apt-get clean \\\n  && rm -rf /var/lib/apt/lists/*\n\nFROM busyboxneg2\nRUN apt-get update && apt-get install --no-install-recommends -y python && apt-get clean\n\nFROM busyboxneg3\nRUN apt-get update && apt-get install --no-install-recommends -y python \\\n  && apt-get clean\n\nFROM busyboxneg4\nRUN apt-get update && apt-get install --no-install-recommends -y python \\\n  && rm -rf /var/lib/apt/lists/*\n", fires: false},
	{tool: "kics", id: kicsAptLists, source: kicsQueries + "apt_get_install_lists_were_not_deleted/test/negative2.dockerfile", dockerfile: "FROM busyboxneg5\nRUN apt-get update; \\\n  apt-get install --no-install-recommends -y python; \\\n  apt-get clean; \\\n  rm -rf /var/lib/apt/lists/*\n\nFROM busyboxneg6\nRUN apt-get update; \\\n  apt-get install --no-install-recommends -y python; \\\n  apt-get clean\n\nFROM busyboxneg7\nRUN set -eux; \\\n\tapt-get update; \\\n\tapt-get install -y --no-install-recommends package=0.0.0; \\\n\trm -rf /var/lib/apt/lists/*\n", fires: false},
	{tool: "kics", id: kicsAptLists, source: kicsQueries + "apt_get_install_lists_were_not_deleted/test/negative3.dockerfile", dockerfile: "from busyboxneg1\nrun apt-get update && apt-get install --no-install-recommends -y python \\\n  && apt-get clean \\\n  && rm -rf /var/lib/apt/lists/*\n\nfrom busyboxneg2\nrun apt-get update && apt-get install --no-install-recommends -y python && apt-get clean\n\nfrom busyboxneg3\nrun apt-get update && apt-get install --no-install-recommends -y python \\\n  && apt-get clean\n\nfrom busyboxneg4\nrun apt-get update && apt-get install --no-install-recommends -y python \\\n  && rm -rf /var/lib/apt/lists/*\n", fires: false},
	{tool: "kics", id: kicsAptLists, source: kicsQueries + "apt_get_install_lists_were_not_deleted/test/positive.dockerfile", dockerfile: "FROM busybox1\nRUN apt-get update && apt-get install --no-install-recommends -y python\n\nFROM busybox2\nRUN apt-get install python\n\nFROM busybox3\nRUN apt-get update && apt-get install --no-install-recommends -y python\nRUN rm -rf /var/lib/apt/lists/*\n\nFROM busybox4\nRUN apt-get update && apt-get install --no-install-recommends -y python\nRUN rm -rf /var/lib/apt/lists/*\nRUN apt-get clean\n", fires: true},
	{tool: "kics", id: kicsAptLists, source: kicsQueries + "apt_get_install_lists_were_not_deleted/test/positive2.dockerfile", dockerfile: "FROM busybox5\nRUN set -eux; \\\n\tapt-get update; \\\n\tapt-get install -y --no-install-recommends package=0.0.0\n", fires: true},
	{tool: "kics", id: kicsAptLists, source: kicsQueries + "apt_get_install_lists_were_not_deleted/test/positive3.dockerfile", dockerfile: "from busybox1\nrun apt-get update && apt-get install --no-install-recommends -y python\n\nfrom busybox2\nrun apt-get install python\n\nfrom busybox3\nrun apt-get update && apt-get install --no-install-recommends -y python\nrun rm -rf /var/lib/apt/lists/*\n\nfrom busybox4\nrun apt-get update && apt-get install --no-install-recommends -y python\nrun rm -rf /var/lib/apt/lists/*\nrun apt-get clean\n", fires: true},

	// --- KICS pip_install_keeping_cached_packages -> DF016. KICS looks for
	// --no-cache-dir only; DF016 also accepts ENV PIP_NO_CACHE_DIR and a
	// cache mount, which no upstream case uses.
	{tool: "kics", id: kicsPipCache, source: kicsQueries + "pip_install_keeping_cached_packages/test/negative.dockerfile", dockerfile: "FROM python:3\nRUN pip install --no-cache-dir --upgrade pip && \\\n    pip install --no-cache-dir nibabel pydicom matplotlib pillow && \\\n    pip install --no-cache-dir med2image\nCMD [\"cat\", \"/etc/os-release\"]", fires: false},
	{tool: "kics", id: kicsPipCache, source: kicsQueries + "pip_install_keeping_cached_packages/test/negative1.dockerfile", dockerfile: "FROM python:3\nRUN pip install --no-cache-dir --upgrade pip && \\\n    pip install --no-cache-dir nibabel pydicom matplotlib pillow && \\\n    pip install --no-cache-dir med2image\nRUN pip3 install --no-cache-dir requests=2.7.0\nRUN [\"pip3\", \"install\", \"requests=2.7.0\", \"--no-cache-dir\"]\nCMD [\"cat\", \"/etc/os-release\"]\n", fires: false},
	{tool: "kics", id: kicsPipCache, source: kicsQueries + "pip_install_keeping_cached_packages/test/negative2.dockerfile", dockerfile: "from python:3\nrun pip install --no-cache-dir --upgrade pip && \\\n    pip install --no-cache-dir nibabel pydicom matplotlib pillow && \\\n    pip install --no-cache-dir med2image\nrun pip3 install --no-cache-dir requests=2.7.0\nrun [\"pip3\", \"install\", \"requests=2.7.0\", \"--no-cache-dir\"]\ncmd [\"cat\", \"/etc/os-release\"]\n", fires: false},
	{tool: "kics", id: kicsPipCache, source: kicsQueries + "pip_install_keeping_cached_packages/test/positive.dockerfile", dockerfile: "FROM python:3\nRUN pip install --upgrade pip && \\\n    pip install nibabel pydicom matplotlib pillow && \\\n    pip install med2image\nCMD [\"cat\", \"/etc/os-release\"]\n\nFROM python:3.1\nRUN pip install --upgrade pip\nRUN python -m pip install nibabel pydicom matplotlib pillow\nRUN pip3 install requests=2.7.0\nRUN [\"pip3\", \"install\", \"requests=2.7.0\"]\nCMD [\"cat\", \"/etc/os-release\"]\n", fires: true},
	{tool: "kics", id: kicsPipCache, source: kicsQueries + "pip_install_keeping_cached_packages/test/positive2.dockerfile", dockerfile: "from python:3\nrun pip install --upgrade pip && \\\n    pip install nibabel pydicom matplotlib pillow && \\\n    pip install med2image\ncmd [\"cat\", \"/etc/os-release\"]\n\nfrom python:3.1\nrun pip install --upgrade pip\nrun python -m pip install nibabel pydicom matplotlib pillow\nrun pip3 install requests=2.7.0\nrun [\"pip3\", \"install\", \"requests=2.7.0\"]\ncmd [\"cat\", \"/etc/os-release\"]\n", fires: true},
}

// rejectedClaim is an equivalent that was considered and is not claimed,
// with an upstream case on which the semantics part. The test keeps it
// from being claimed again by accident.
type rejectedClaim struct {
	tool, id string
	// rule is the hardhull rule that looks like a match.
	rule   string
	reason string
	// evidence is an upstream case where rule and tool disagree.
	evidence equivCase
}

var rejectedClaims = []rejectedClaim{
	{tool: "hadolint", id: "DL3042", rule: "DF016",
		reason:   "hadolint reads PIP_NO_CACHE_DIR=0/off/no/false as keeping the cache; pip disables its cache for any valid value of PIP_NO_CACHE_DIR (pip's _handle_no_cache_dir, kept for backwards compatibility), so DF016 does not fire there and 12 of DL3042Spec's cases disagree",
		evidence: equivCase{source: hadolintSpec + "DL3042Spec.hs: respect ENV PIP_NO_CACHE_DIR with falsy values", dockerfile: frag("ENV PIP_NO_CACHE_DIR=0\nRUN pip install MySQL_python"), fires: true}},
	{tool: "hadolint", id: "DL3002", rule: "DF001",
		reason:   "DL3002 only objects to an explicit root USER and looks at every stage; DF001 also fires when the shipped stage sets no USER at all, and ignores builder stages",
		evidence: equivCase{source: hadolintSpec + "DL3002Spec.hs: does not warn when switching in multiple stages", dockerfile: "FROM debian as base\nUSER root\nRUN something\nUSER foo\nFROM scratch\nRUN something else\n", fires: false}},
	{tool: "checkov", id: "CKV_DOCKER_4", rule: "DF012",
		reason:   "CKV_DOCKER_4 fires on every ADD; DF012 accepts ADD for URLs and archives, where COPY cannot do the job",
		evidence: equivCase{source: "checkov checkov/dockerfile/checks/AddExists.py (any ADD instruction fails)", dockerfile: frag("ADD https://example.com/x.tar.gz /tmp/"), fires: true}},
	{tool: "checkov", id: "CKV_DOCKER_8", rule: "DF001",
		reason:   "CKV_DOCKER_8 passes a Dockerfile without USER (it only looks at the last USER's value, and only the literal \"root\"); DF001 fires there",
		evidence: equivCase{source: "checkov checkov/dockerfile/checks/RootUser.py (no USER instruction: nothing to fail)", dockerfile: "FROM debian:12-slim\nCMD [\"sleep\", \"1\"]\n", fires: false}},
	{tool: "kics", id: "404fde2c-bc4b-4371-9747-7054132ac953", rule: "DC017",
		reason:   "KICS reads `label:seccomp:unconfined` as seccomp disabled; Docker passes it to SELinux as a label option (ignored where SELinux is off) and keeps the default seccomp profile, so DC017 stays quiet",
		evidence: equivCase{source: kicsCompose + "default_seccomp_profile_disabled/test/positive1.yaml", files: composeFile("version: \"3.8\"\n\nservices:\n  demo:\n    image: not/a/real/image\n    cap_add:\n      - SYS_PTRACE\n    volumes:\n      - type: volume\n        source: not-a-real-source-docker\n        target: /var/lib/docker\n    security_opt:\n      - label:seccomp:unconfined\n\nvolumes:\n  not-a-real-source-docker:\n"), fires: true}},
	{tool: "kics", id: "698ed579-b239-4f8f-a388-baa4bcb13ef8", rule: "DC008",
		reason:   "KICS wants a healthcheck on every service; for a service that builds, DC008 leaves the health check to that Dockerfile's HEALTHCHECK (DF019) rather than asking for it twice",
		evidence: equivCase{source: kicsCompose + "healthcheck_not_set/test/positive1.yaml", files: composeFile("version: '2.1'\n\nservices:\n lelele-service:\n    build: lelele-apigateway/\n    image: lelele-service\n    restart: always\n    container_name: lelele\n    network_mode: \"host\"\n    hostname: localhost\n    ports:\n      - 8092:8092\n"), fires: true}},
	{tool: "kics", id: "451d79dc-0588-476a-ad03-3c7f0320abb3", rule: "DC012",
		reason:   "KICS counts long-syntax `published: 127.0.0.1:8080` as bound to one address; the compose spec binds an address only through host_ip, so DC012 reports all interfaces (it agrees on the other 6 cases)",
		evidence: equivCase{source: kicsCompose + "container_traffic_not_bound_to_host_interface/test/negative4.yaml", files: composeFile("version: '3.2'\n\nservices:\n  webapp:\n    container_name: webapp\n    build: ./webapp\n    environment:\n      - ASPNETCORE_ENVIRONMENT=Development\n      - ASPNETCORE_URLS=http://0.0.0.0:80\n      - TradeUrl=http://trading.api\n    ports:\n      - target: 8000\n        published: 127.0.0.1:8080\n        protocol: tcp\n        mode: host\n    cap_drop:\n      - NET_BIND_SERVICE\n    network_mode: \"LDC\"\n"), fires: false}},
	{tool: "kics", id: "1c1325ff-831d-43a1-973e-839ae57dfcc0", rule: "DC015",
		reason:   "KICS treats any host path under /var (here /var/lib/backup/data) and named volumes bound by driver_opts as sensitive; DC015 names the host paths that expose the host itself (/etc, /proc, /var/lib/docker, ...) and stays quiet on an app's own data directory",
		evidence: equivCase{source: kicsCompose + "volume_has_sensitive_host_directory/test/positive1.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  db:\n    image: db\n    volumes:\n      - data-volume:/var/lib/db\n  backup:\n    image: backup-service\n    volumes:\n      - /var/lib/backup/data:/backup/data\n\nvolumes:\n  data-volume:\n"), fires: true}},
	{tool: "kics", id: "fd54f200-402c-4333-a5a4-36ef6709af2f", rule: "DF001",
		reason:   "KICS passes a shipped FROM scratch stage without USER (another stage sets one); that image runs as uid 0, so DF001 fires",
		evidence: equivCase{source: kicsQueries + "missing_user_instruction/test/negative.dockerfile", dockerfile: "FROM python:2.7\nRUN pip install Flask==0.11.1\nRUN useradd -ms /bin/bash patrick\nCOPY --chown=patrick:patrick app /app\nWORKDIR /app\nUSER patrick\nCMD [\"python\", \"app.py\"]\n\nFROM scratch\nRUN pip install Flask==0.11.1\nRUN useradd -ms /bin/bash patrick\nCOPY --chown=patrick:patrick app /app\nWORKDIR /app\nCMD [\"python\", \"app.py\"]\n", fires: false}},
	{tool: "kics", id: "bb9ac4f7-e13b-423d-a010-c74a1bfbe492", rule: "DC007",
		reason:   "memory_not_limited asks for a memory limit only; DC007 is one rule for memory, CPU and pids limits, so it fires on a KICS negative that limits memory and CPU but not pids (the same holds for cpus_not_limited and pids_limit_not_set)",
		evidence: equivCase{source: kicsCompose + "memory_not_limited/test/negative1.yaml", files: composeFile("version: \"3.7\"\nservices:\n  zipkin:\n    image: openzipkin/zipkin\n    ports:\n      - 9411:9411\n    deploy:\n      resources:\n        limits:\n          cpus: '0.3'\n          memory: 256M\n        reservations:\n          cpus: '0.1'\n          memory: 128M\n\n"), fires: false}},
	{tool: "kics", id: "6b610c50-99fb-4ef0-a5f3-e312fd945bc3", rule: "DC007",
		reason:   "cpus_not_limited asks for a CPU limit only; DC007 also wants a pids limit, which this KICS negative does not set",
		evidence: equivCase{source: kicsCompose + "cpus_not_limited/test/negative2.yaml", files: composeFile("version: \"2.4\"\n\nservices:\n  # CRYPTO\n  crypto_padding_oracle:\n    build:\n      context: \"./crypto/paddingoracle\"\n    restart: \"unless-stopped\"\n    cpus: 0.25\n    mem_limit: 512m\n    environment:\n      - NODE_ENV=production\n      - PORT=5000\n\n      - FLAG=FLAG-TOO_MANY_ERRORS_TOO_MANY_DETAILS\n    ports:\n      - 11111:5000\n"), fires: false}},
	{tool: "kics", id: "221e0658-cb2a-44e3-b08a-db96a341d6fa", rule: "DC007",
		reason:   "pids_limit_not_set only judges files declaring version < 3 (its negative files could not be retrieved; the query requires to_number(version) < 3), while the compose spec honours pids_limit whatever the version and DC007 wants it everywhere; DC007 also wants memory and CPU limits",
		evidence: equivCase{source: kicsCompose + "pids_limit_not_set/query.rego (a version \"3.8\" file is not judged); service transcribed from test/positive1.yaml", files: composeFile("version: '3.8'\n\nvolumes:\n  front_build:\n\nservices:\n  auth:\n    build:\n      context: .\n      dockerfile: docker_config/Dockerfile\n    restart: on-failure\n    cpus: 0.25\n    mem_limit: 500M\n"), fires: false}},
	{tool: "kics", id: "2fc99041-ddad-49d5-853f-e35e70a48391", rule: "DC020",
		reason:   "KICS wants on-failure retries of exactly 5 (CIS 5.15's example value); DC020 accepts any bounded on-failure policy and unless-stopped, and fires on a missing policy or `always`, which KICS does not judge",
		evidence: equivCase{source: kicsCompose + "restart_policy_on_failure_not_set_to_5/test/positive2.yaml", files: composeFile("version: '3.6'\n\nnetworks:\n  name_of_network:\n    name: name_of_network\n    driver: overlay\n\nservices:\n  name_of_service:\n    image: not_a_real_one\n    container_name: container1\n    build: ./\n    ports:\n      - '5002:80'\n    restart: on-failure:3\n    networks:\n      - name_of_network\n"), fires: true}},
	{tool: "kics", id: "610e266e-6c12-4bca-9925-1ed0cd29742b", rule: "DC004",
		reason:   "security_opt_not_set is satisfied by any security_opt entry, even apparmor:unconfined; DC004 wants no-new-privileges:true and fires there",
		evidence: equivCase{source: kicsCompose + "security_opt_not_set/test/negative1.yaml", files: composeFile("version: \"3.9\"\n\nservices:\n  webapp:\n    build:\n      context: ./dir\n      dockerfile: Dockerfile-alternate\n      args:\n        buildno: 1\n    ports:\n      - \"8080:8080\"\n      - \"3000:3000\"\n    security_opt:\n      - apparmor:unconfined\n"), fires: false}},
	{tool: "kics", id: "7384dfb2-fcd1-4fbf-91cd-6c44c318c33c", rule: "DF014",
		reason:   "KICS passes `apt-get apt::install-recommends=false install ...` (a bare configuration string, without -o), which apt-get rejects as an unknown operation; DF014 does not read it as turning recommends off and fires (the one other stored case, positive2.dockerfile, agrees)",
		evidence: equivCase{source: kicsQueries + "apt_get_not_avoiding_additional_packages/test/negative2.dockerfile", dockerfile: "from node:12\nrun apt-get --no-install-recommends install apt-utils\nrun [\"apt-get\", \"apt::install-recommends=false\", \"install\", \"apt-utils\"]\n\n", fires: false}},
}

func (c equivCase) project() map[string]string {
	if c.files != nil {
		return c.files
	}
	return map[string]string{"Dockerfile": c.dockerfile}
}

// scanCounts runs the real scan over files and counts findings per rule.
func scanCounts(t *testing.T, files map[string]string) map[string]int {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Scan(context.Background(), Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Fatalf("upstream input does not load: %s:%d: %s", e.Path, e.Line, e.Message)
	}
	n := map[string]int{}
	for _, f := range res.Findings {
		n[f.Rule.ID]++
	}
	return n
}

func claimants(tool, id string) []string {
	var ids []string
	for _, r := range rules.ClaimingEquivalent(tool, id) {
		ids = append(ids, r.ID)
	}
	return ids
}

// TestEquivalentsMatchUpstreamCases holds every claimed equivalent to the
// other tool's own test cases: the rules claiming the ID fire on a case
// exactly when the upstream test expects a finding.
func TestEquivalentsMatchUpstreamCases(t *testing.T) {
	for _, c := range equivCases {
		t.Run(c.tool+"/"+c.id+"/"+c.source, func(t *testing.T) {
			if c.skip != "" {
				t.Skip("not transcribable: " + c.skip)
			}
			ids := claimants(c.tool, c.id)
			if len(ids) == 0 {
				t.Fatalf("no rule claims %s %s", c.tool, c.id)
			}
			n := scanCounts(t, c.project())
			got := 0
			for _, id := range ids {
				got += n[id]
			}
			if (got > 0) != c.fires {
				t.Errorf("%s (claiming %s %s) fired %d times, upstream expects a finding: %v\n%v", strings.Join(ids, "+"), c.tool, c.id, got, c.fires, c.project())
			}
		})
	}
}

// TestEveryClaimHasUpstreamCases keeps the catalogue honest: a claim with
// no transcribed upstream case, or without both a firing and a quiet
// case, is not verified. It covers the rules this scan runs (Dockerfile,
// compose, context, Python); image and container rules read built images
// and engines, not files, and are held to their equivalents elsewhere.
func TestEveryClaimHasUpstreamCases(t *testing.T) {
	type key struct{ tool, id string }
	pos, neg := map[key]int{}, map[key]int{}
	for _, c := range equivCases {
		if c.skip != "" {
			continue
		}
		if c.fires {
			pos[key{c.tool, c.id}]++
		} else {
			neg[key{c.tool, c.id}]++
		}
	}
	var missing []string
	for _, r := range rules.All() {
		if r.Kind == finding.KindImage || r.Kind == finding.KindContainer {
			continue
		}
		for tool, ids := range r.Equivalents {
			for _, id := range ids {
				k := key{tool, id}
				if pos[k] == 0 && !onlyQuietCasesPublished[k.tool+" "+k.id] {
					missing = append(missing, r.ID+" claims "+tool+" "+id+" but no upstream case expects a finding")
				}
				if neg[k] == 0 {
					missing = append(missing, r.ID+" claims "+tool+" "+id+" but no upstream case expects silence")
				}
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Error(m)
	}
}

// onlyQuietCasesPublished names claims whose upstream failing examples are
// not available as files (the test names them but the inputs could not
// be retrieved); the check's source is the reference there.
var onlyQuietCasesPublished = map[string]bool{
	// test_ReferenceLatestTag.py expects failure_default_version_tag and
	// failure_latest_version_tag to fail; ReferenceLatestTag.py fails a
	// FROM without ":" that is not a stage alias, or ending in ":latest".
	"checkov CKV_DOCKER_7": true,
}

// TestRejectedClaimsStayRejected documents equivalents that look right but
// are not: no rule claims them, and the evidence case shows the split.
func TestRejectedClaimsStayRejected(t *testing.T) {
	for _, rc := range rejectedClaims {
		t.Run(rc.tool+"/"+rc.id, func(t *testing.T) {
			if ids := claimants(rc.tool, rc.id); len(ids) > 0 {
				t.Fatalf("%v claim %s %s, rejected because: %s", ids, rc.tool, rc.id, rc.reason)
			}
			n := scanCounts(t, rc.evidence.project())
			if (n[rc.rule] > 0) == rc.evidence.fires {
				t.Errorf("%s now agrees with %s %s on %s; re-check whether the claim can be made", rc.rule, rc.tool, rc.id, rc.evidence.source)
			}
		})
	}
}
