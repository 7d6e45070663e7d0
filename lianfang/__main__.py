"""`python -m lianfang` is the `lianfang` command."""

from lianfang.cli.app import main

main()
