# Shared by the corpus test and the toolchain benchmark (source it).
# A corpus program may carry tag lines in its source:
#   // corpus-args: ARGS    arguments for the test run (smaller than the default size)
#   // corpus-stdin: FILE   file next to the source fed to stdin (else /dev/null)
#   // corpus-exit: N       exit status the program must end with (else 0)

# corpus_tag SOURCE TAG: prints the tag's value, empty if absent.
corpus_tag() {
  sed -n "s|^// corpus-$2: *||p" "$1" | head -n 1
}

# corpus_stdin SOURCE: the file a run of the program reads on stdin.
corpus_stdin() {
  local file
  file="$(corpus_tag "$1" stdin)"
  if [ -n "$file" ]; then
    echo "$(dirname "$1")/$file"
  else
    echo /dev/null
  fi
}

# corpus_runner ISA: the command prefix that runs an executable of ISA here.
corpus_runner() {
  case "$1" in
    x86_64) echo "" ;;
    aarch64) echo "qemu-aarch64" ;;
    ppc64le) echo "qemu-ppc64le" ;;
    *) echo "corpus_runner: unknown ISA '$1'" >&2; return 2 ;;
  esac
}
