from empathy_coach.cli import main

main()
