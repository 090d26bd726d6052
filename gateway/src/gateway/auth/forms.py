"""The login form."""
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired("Enter your username")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])
