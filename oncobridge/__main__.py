from oncobridge.cli import main

main()
