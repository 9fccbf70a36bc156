#!/usr/bin/env python3
"""Notulist command line: python build.py [build|check|serve|new] --help"""
import sys

from notulist.cli import main

if __name__ == "__main__":
    sys.exit(main())
