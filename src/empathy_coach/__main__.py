from empathy_coach._entry import main

main()
