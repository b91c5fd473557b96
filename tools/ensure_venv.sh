# Sourced by run_dashboard.sh and run_tests.sh: create .venv with the newest
# Python >= 3.11 found, and (re)install the project when setup.py changes.
# Usage: ensure_venv EXTRAS   (e.g. "site,embedded" or "site,embedded,test")

# pyenv's installed interpreters matching a glob such as "3.12*", newest first.
pyenv_pythons() {
  local root
  root=$(pyenv root 2>/dev/null) || return 0
  ls -d "$root"/versions/$1/bin/python3 2>/dev/null | sort -rV
}

# Prints the first working interpreter among those given (pyenv shims of
# versions that are not active fail to run and are skipped).
find_python_named() {
  local candidate
  for candidate in "$@"; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

find_python() {
  find_python_named ${NOVA_PYTHON:-} python3.13 python3.12 python3.11 python3 \
    $(pyenv_pythons "3.1[1-9]*") && return 0
  echo "django-nova needs Python 3.11 or newer; none was found (set NOVA_PYTHON)." >&2
  return 1
}

ensure_venv() {
  local extras="$1" venv="${NOVA_VENV:-.venv}" python stamp hash wanted installed_hash installed_extras
  if [ ! -x "$venv/bin/python" ]; then
    python=${NOVA_PYTHON_FOR_VENV:-$(find_python)} || return 1
    echo "Creating $venv with $("$python" --version)..."
    "$python" -m venv "$venv" || return 1
    "$venv/bin/python" -m pip install --quiet --upgrade pip || return 1
  fi
  # The stamp holds the build inputs' hash and the extras installed; a run
  # that needs no new extra and sees no changed input installs nothing.
  stamp="$venv/.django-nova-installed"
  hash=$(cat setup.py tools/fetch_static.py | sha256sum | cut -c1-16)
  [ -f "$stamp" ] && read -r installed_hash installed_extras < "$stamp" || true
  wanted=$(echo "${installed_extras:-},$extras" | tr ',' '\n' | sed '/^$/d' | sort -u | paste -sd, -)
  if [ "${installed_hash:-}" != "$hash" ] || [ "$wanted" != "${installed_extras:-}" ]; then
    echo "Installing django-nova[$wanted] into $venv..."
    "$venv/bin/python" tools/fetch_static.py || return 1
    # setuptools' editable build is noisy; show its output only when it fails.  No
    # byte-compiling at install (a third of its time): Python compiles what it imports.
    if ! "$venv/bin/python" -m pip install --quiet --no-compile -e ".[$wanted]" \
        > "$venv/pip.log" 2>&1; then
      cat "$venv/pip.log" >&2
      return 1
    fi
    echo "$hash $wanted" > "$stamp"
  fi
  PYTHON="$venv/bin/python"
  export PATH="$PWD/$venv/bin:$PATH"
}
