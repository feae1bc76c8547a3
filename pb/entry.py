"""The `pb` command's entry point: `pb tally` starts without loading the web app.

Counting a pabulib file needs pb.tally alone; importing Flask and the app's CLI first would add
a third of a second to every `pb tally` run. Every other command goes to pb.cli.
"""

import sys


def main() -> None:
    if sys.argv[1:2] == ["tally"]:
        from pb.tally.cli import tally_command

        tally_command(args=sys.argv[2:], prog_name="pb tally")
        return
    from pb.cli import main as app_main

    app_main()
