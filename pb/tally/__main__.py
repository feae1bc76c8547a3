"""``python -m pb.tally FILE.pb ...`` (the same command as ``pb tally``)."""

from pb.tally.cli import main

if __name__ == "__main__":
    main()
