from chiron.cli import main

main()
