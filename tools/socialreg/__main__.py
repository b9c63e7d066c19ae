from socialreg.cli import main

main(prog_name="socialreg")
