"""Excel workbooks the gateway produces (WPS and Microsoft Excel), written with openpyxl."""
