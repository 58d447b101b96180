// placeholder entry point; the fixture is being written
return 0;
