#!/usr/bin/env bash
# The GitHub Action's sticky pull-request comment: one comment, found by its hidden marker and
# edited in place. It is created only when the change moves the monthly cost, crosses a
# budget or fails the check; once it exists it is kept up to date, so that it never shows
# numbers a later push made stale.
#
# Everything comes from the environment (action.yml sets it from the inputs and the event):
#   COSTLINT_COMMENT          "true" to comment at all
#   COSTLINT_EVENT            the event's name
#   COSTLINT_REPOSITORY       owner/name of the repository the workflow runs in
#   COSTLINT_PR               the pull request's number
#   COSTLINT_HEAD_REPOSITORY  owner/name of the repository the pull request comes from
#   COSTLINT_EXIT_CODE        costlint's exit code
#   COSTLINT_REPORT           costlint's JSON report
#   COSTLINT_MARKDOWN         costlint's markdown report (the comment's body)
#   GH_TOKEN                  the token gh uses
# Nothing read from the pull request is printed: notices are this script's own words.
set -euo pipefail

notice() {
  echo "::notice title=costlint::$1"
}

if [ "${COSTLINT_COMMENT:-false}" != true ]; then
  exit 0
fi
case "${COSTLINT_EVENT:-}" in
  pull_request | pull_request_target) ;;
  *)
    # A push in the same workflow is no news: a log line, not an annotation.
    echo "costlint: no pull-request comment: this run is not for a pull request"
    exit 0
    ;;
esac
if [ -z "${COSTLINT_PR:-}" ] || [ -z "${COSTLINT_REPOSITORY:-}" ]; then
  notice "no pull-request comment: the event names no pull request"
  exit 0
fi
case "$COSTLINT_PR" in
  *[!0-9]*)
    notice "no pull-request comment: the event's pull-request number is not a number"
    exit 0
    ;;
esac
if [ "${COSTLINT_HEAD_REPOSITORY:-}" != "$COSTLINT_REPOSITORY" ]; then
  notice "no pull-request comment: the pull request comes from a fork, whose token may only read (the report is in the job summary)"
  exit 0
fi
if [ -z "${COSTLINT_MARKDOWN:-}" ] || [ ! -s "$COSTLINT_MARKDOWN" ]; then
  notice "no pull-request comment: costlint wrote no report (exit ${COSTLINT_EXIT_CODE:-unknown})"
  exit 0
fi
if ! command -v gh > /dev/null; then
  notice "no pull-request comment: the gh command is not installed on this runner"
  exit 0
fi
if [ -z "${GH_TOKEN:-}" ]; then
  notice "no pull-request comment: no token (set the github-token input)"
  exit 0
fi
# GitHub Enterprise Server: gh talks to the workflow's own server.
if [ -n "${GITHUB_SERVER_URL:-}" ] && [ "$GITHUB_SERVER_URL" != "https://github.com" ]; then
  export GH_HOST="${GITHUB_SERVER_URL#*://}"
fi

# Whether there is news: a change in the monthly cost, a budget crossed, or a failed check.
news=false
if [ "${COSTLINT_EXIT_CODE:-}" != 0 ]; then
  news=true
elif [ -n "${COSTLINT_REPORT:-}" ] && [ -s "$COSTLINT_REPORT" ] &&
  [ "$(jq -r '(.diff.monthly_delta // "0.00") != "0.00" or ((.diff.budget // []) | length > 0)' "$COSTLINT_REPORT")" = true ]; then
  news=true
fi

marker='<!-- costlint -->'
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
# The body: the marker, then the report. jq builds the request, so nothing is interpolated.
jq -n --arg marker "$marker" --rawfile report "$COSTLINT_MARKDOWN" \
  '{body: ($marker + "\n" + $report)}' > "$work/request.json"

api_failed() {
  # gh's own error, one line, without anything that could read as a workflow command.
  local why
  why=$(tr -c '[:alnum:] .,()/_-' ' ' < "$work/error" | tr -s ' ' | cut -c1-200)
  notice "no pull-request comment: the GitHub API refused ($1:${why}); the token needs pull-requests: write"
}

comments="repos/$COSTLINT_REPOSITORY/issues/$COSTLINT_PR/comments"
if ! gh api --paginate "$comments?per_page=100" > "$work/comments.json" 2> "$work/error"; then
  api_failed "listing the comments"
  exit 0
fi
# The first comment by a bot (the token's identity) whose body starts with the marker.
id=$(jq -rs --arg marker "$marker" \
  'add // [] | map(select(.user.type == "Bot" and ((.body // "") | startswith($marker)))) | .[0].id // empty' \
  "$work/comments.json")
case "$id" in
  "" | *[!0-9]*) id="" ;;
esac

if [ -n "$id" ]; then
  if ! gh api --method PATCH "repos/$COSTLINT_REPOSITORY/issues/comments/$id" \
    --input "$work/request.json" --silent 2> "$work/error"; then
    api_failed "updating the comment"
    exit 0
  fi
  echo "costlint: updated the pull-request comment"
elif [ "$news" = true ]; then
  if ! gh api --method POST "$comments" --input "$work/request.json" --silent 2> "$work/error"; then
    api_failed "creating the comment"
    exit 0
  fi
  echo "costlint: commented on the pull request"
else
  echo "costlint: no comment: the monthly cost does not change and the check passes"
fi
